"""A client limited to a team reads a past day as a manager does (docs/two-clocks.md, "Who may see a past day"): its
team today, applied to the tree and the roster as recorded by the end of that day. Someone who was in its team then
is read, though they have moved away since; someone who joined it since is not, about a day before they joined."""

import datetime
import json

from django.db.models import F
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.organisation import team_move
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange
from tests.dbrole import as_owner


def _before():
    return timezone.localdate() - datetime.timedelta(days=150)


def after():
    return timezone.localdate() - datetime.timedelta(days=30)


def _long_ago():
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))


def _move(person, team):
    """`person` moves to `team` 100 days ago, recorded that day."""
    person.team = team
    person.save()
    staff_changes_record([person], effective=timezone.localdate() - datetime.timedelta(days=100))
    move = StaffChange.objects.filter(staff=person).latest("recorded_at", "pk")
    with as_owner():
        StaffChange.objects.filter(pk=move.pk).update(recorded_at=F("recorded_at") - datetime.timedelta(days=100))
    projection.refresh(staff_ids=[person.pk])


def _person(api, person, day=None):
    query = {"as_at": day.isoformat()} if day else {}
    return api("get", f"/api/v1/people/{person.employee_number}/standing", "finance", query).status_code


def test_a_person_is_read_about_the_days_they_were_in_the_clients_team(api, org):
    _long_ago()
    fay, sam = org["people"]["fay"], org["people"]["sam"]
    _move(fay, org["teams"]["comms"])  # leaves Payroll (under Finance)
    _move(sam, org["teams"]["payroll"])  # joins it
    assert (_person(api, fay, _before()), _person(api, fay, after()), _person(api, fay)) == (200, 404, 404)
    assert (_person(api, sam, _before()), _person(api, sam, after()), _person(api, sam)) == (404, 200, 200)


def test_a_team_moved_today_is_read_about_the_days_it_was_under_the_clients_team(api, org):
    _long_ago()
    hr = org["people"]["hr"].user
    teams = org["teams"]
    team_move(team=teams["payroll"], parent=teams["organisation"], user=hr)  # leaves Finance
    team_move(team=teams["comms"], parent=teams["finance"], user=hr)  # comes under it

    def read(team, day=None, path="/api/v1/teams/{code}/standing", **more):
        query = {"as_at": day.isoformat(), **more} if day else {}
        return api("get", path.format(code=team.code), "finance", query).status_code

    assert (read(teams["payroll"], _before()), read(teams["payroll"])) == (200, 404)
    assert (read(teams["comms"], _before()), read(teams["comms"])) == (404, 200)
    figures = "/api/v1/organisation/figures"
    for basis in ("as_it_was", "as_recorded"):
        day = {"as_at": _before().isoformat(), "basis": basis}
        payroll = api("get", figures, "finance", {"team": teams["payroll"].code, **day})
        comms = api("get", figures, "finance", {"team": teams["comms"].code, **day})
        assert (payroll.status_code, comms.status_code) == (200, 404)


def test_someone_who_moved_away_is_read_in_the_team_they_were_in_then_not_where_they_went(api, org):
    """Before, the answer gave their team today: a team-limited client learnt where someone moved to outside it."""
    _long_ago()
    fay, teams = org["people"]["fay"], org["teams"]
    _move(fay, teams["comms"])  # leaves Payroll (under Finance) for Communications, outside the client's teams
    path = f"/api/v1/people/{fay.employee_number}/standing"
    body = api("get", path, "finance", {"as_at": _before().isoformat()}).json()
    assert body["team"] == {"code": teams["payroll"].code, "name": "Payroll"}
    assert "Communications" not in json.dumps(body) and teams["comms"].code not in json.dumps(body)
    # A client of the whole organisation reads where the roster has them now, as before
    assert api("get", path, "standing", {"as_at": _before().isoformat()}).json()["team"]["name"] == "Communications"
