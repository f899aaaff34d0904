"""A workforce system tells the portal, through the API's roster writes, that someone left and was later taken on
again in another team: the team page as it was shows them in their old team on a day of their first period, in no
team between the two, and in their new team from the day they came back."""

import datetime

from django.utils import timezone

from portal.compliance.asat import Moment
from portal.reports.basis import AS_IT_WAS
from portal.reports.team import team_matrix

from .conftest import roster_row


def _left():
    return timezone.localdate() - datetime.timedelta(days=400)


def returned():
    return timezone.localdate() - datetime.timedelta(days=60)


def _send(api, person, key):
    response = api("post", "/api/v1/roster", "roster", {"people": [person]}, key=key)
    assert response.status_code == 202 and response.json()["import"]["status"] == "done", response.content
    return response


def _placed(org, day) -> dict[str, str]:
    matrix = team_matrix([org["teams"]["organisation"]], Moment.end_of(day), basis=AS_IT_WAS)
    return {person.full_name: person.team_name for person, _ in matrix.people}


def test_someone_taken_on_again_is_in_each_team_in_its_own_period(api, org):
    sam = org["people"]["sam"]
    _send(api, roster_row(sam, leave_date=_left().isoformat()), "sam-leaves")
    back = roster_row(sam, start_date=returned().isoformat(), leave_date=None, team_code=org["teams"]["payroll"].code)
    _send(api, back, "sam-returns")
    sam.refresh_from_db()
    assert (sam.start_date, sam.leave_date) == (returned(), None)

    assert _placed(org, _left() - datetime.timedelta(days=30))["Sam Person"] == "Communications"
    assert "Sam Person" not in _placed(org, _left() + datetime.timedelta(days=1))
    assert _placed(org, returned())["Sam Person"] == "Payroll"
