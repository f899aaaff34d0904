"""A client limited to a team changes the roster of someone who came into its teams from another only from the day
they came: an effective date or a leave date before it, or another start date, would say, as it was, where they were
while another team had them, and change that team's past figures. Before, a Finance client could move someone who
joined Payroll 100 days ago to Finance "effective" 400 days ago, and Communications' figures as it was 150 days ago
lost them. Someone in its teams since their first roster row is the client's to change as before."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance.models import ImportBatch
from portal.people.models import StaffChange

from .conftest import roster_row
from .test_reads_as_at_scope import _before, _long_ago, _move


def _came():
    return timezone.localdate() - datetime.timedelta(days=100)  # the day `_move` moves someone


def _early():
    return (timezone.localdate() - datetime.timedelta(days=400)).isoformat()


def _comms_as_it_was(api, org):
    query = {"team": org["teams"]["comms"].code, "as_at": _before().isoformat(), "basis": "as_it_was"}
    return api("get", "/api/v1/organisation/figures", "standing", query).json()["overall"]["required"]


@pytest.fixture
def sam(api, org):
    """Sam, who left Communications for Payroll (under the client's Finance) 100 days ago."""
    _long_ago()
    _move(org["people"]["sam"], org["teams"]["payroll"])
    return org["people"]["sam"]


# None: 400 days ago (_early), read in the test: read when the file was imported, a run going past midnight sent
# a day other than the one the test means.
@pytest.mark.parametrize(
    ("field", "value"), [("effective_date", None), ("leave_date", None), ("start_date", "2021-06-01")]
)
def test_a_change_before_someone_came_into_the_team_is_refused_and_their_old_teams_past_kept(
    api, org, sam, field, value
):
    overrides = {field: value or _early()}
    before = (_comms_as_it_was(api, org), StaffChange.objects.filter(staff=sam).count())
    row = roster_row(sam, team_code=org["teams"]["finance"].code, **overrides)
    response = api("post", "/api/v1/roster", "finance", {"people": [row]}, key=f"reach-{field}")
    assert response.status_code == 422, response.content
    problem = response.json()
    assert problem["code"] == "rows_rejected"
    [error] = problem["errors"]
    assert error["field"] == f"people[0].{field}" and _came().isoformat() in error["message"]
    assert (_comms_as_it_was(api, org), StaffChange.objects.filter(staff=sam).count()) == before
    sam.refresh_from_db()
    assert sam.team == org["teams"]["payroll"] and not ImportBatch.objects.filter(status=ImportBatch.DONE).exists()


def test_a_change_from_the_day_they_came_is_applied(api, org, sam):
    row = roster_row(sam, team_code=org["teams"]["finance"].code, effective_date=_came().isoformat())
    response = api("post", "/api/v1/roster", "finance", {"people": [row]}, key="from-the-day")
    assert response.status_code == 202, response.content
    sam.refresh_from_db()
    assert sam.team == org["teams"]["finance"]


def test_someone_in_the_team_since_their_first_roster_row_may_be_changed_as_before(api, org, sam):
    fay = org["people"]["fay"]
    row = roster_row(fay, team_code=org["teams"]["finance"].code, effective_date=_early())
    response = api("post", "/api/v1/roster", "finance", {"people": [row], "dry_run": True}, key="fay-early")
    assert response.status_code == 200, response.content
