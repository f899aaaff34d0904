"""HR's team tree, through its services: add, rename, move and close a team. Each checks everything before writing
(bad input changes nothing), records itself in the audit log, and a move brings its people's status in step with
the requirements set for the teams above its new place."""

import datetime

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import projection, services
from portal.compliance.models import RequirementStatus
from portal.compliance.organisation import (
    TeamError,
    team_close,
    team_create,
    team_move,
    team_rename,
    team_status_refresh,
)
from portal.people.models import StaffChange, Team
from portal.people.roster import plan_roster
from tests import factories

LONG_AGO = datetime.date(2015, 4, 1)


def today() -> datetime.date:
    """Read in each test, as the code under test reads it: a date read once, when the file was imported, is
    yesterday's for the tests of a run that went past midnight."""
    return timezone.localdate()


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation, kind="directorate")
    ward_a = factories.make_team("Ward A", parent=wards)
    finance = factories.make_team("Finance", parent=organisation, kind="directorate")
    payroll = factories.make_team("Payroll", parent=finance)
    clinical = factories.make_requirement(name="Clinical skills", applies_to_everyone=False)
    clinical.teams.set([wards])
    factories.make_requirement(name="Fire safety")
    clerk = factories.make_staff(team=payroll, start_date=LONG_AGO)
    nurse = factories.make_staff(team=ward_a, start_date=LONG_AGO)
    projection.refresh()
    return {
        "organisation": organisation,
        "wards": wards,
        "ward_a": ward_a,
        "finance": finance,
        "payroll": payroll,
        "clinical": clinical,
        "clerk": clerk,
        "nurse": nurse,
        "hr": factories.make_user(first_name="Hana", last_name="HR"),
    }


def _fresh(team) -> Team:
    return Team.objects.get(pk=team.pk)


def _tree() -> list:
    return list(Team.objects.order_by("path").values_list("path", "name", "code", "kind", "closed_on"))


def _events(change=None):
    events = AuditEvent.objects.filter(action=AuditEvent.TEAM_CHANGED)
    return list(events.filter(detail__change=change) if change else events)


def _table() -> dict:
    return {
        (row.staff_id, row.requirement_id): (row.completed_on, row.expires_on, row.due_on, row.evidence_id)
        for row in RequirementStatus.objects.all()
    }


def _requirements_of(staff) -> set[str]:
    return set(RequirementStatus.objects.filter(staff=staff).values_list("requirement__name", flat=True))


def test_a_team_is_added_under_its_parent_and_audited(trust):
    team = team_create(name=" Ward B ", code="W-B", kind=Team.TEAM, parent=trust["wards"], user=trust["hr"])

    assert team.get_parent() == trust["wards"] and (team.name, team.code) == ("Ward B", "W-B")
    (event,) = _events()
    assert event.actor == trust["hr"] and event.scope == "Ward B (W-B)"
    assert event.detail["change"] == "added" and event.detail["parent"] == trust["wards"].code


def test_an_organisation_is_added_at_the_top_of_an_empty_tree(db):
    team = team_create(name="NHS Somewhere ICB", code="QXY", kind=Team.ORGANISATION, parent=None, user=None)

    assert team.depth == 1 and _events()[0].actor_name == "the command line"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "pay-1"}, "Code 'pay-1' is already used by"),  # codes are compared as the roster compares them
        ({"code": ""}, "Enter the team's code"),
        ({"name": "  "}, "Enter the team's name"),
        ({"name": "x" * 201}, "200 characters or fewer"),
        ({"code": "C" * 61}, "60 characters or fewer"),
        ({"name": "Ward\u202eB"}, r"U\+202E"),
        ({"code": "W\x00B"}, r"U\+0000"),
        ({"kind": "ward"}, "Kind 'ward' is not one of"),
    ],
)
def test_a_bad_team_is_refused_naming_what_is_wrong_and_nothing_changes(trust, fields, message):
    # Not "T<n>": the factories name teams' codes so from a counter shared by the whole run, and when this is the
    # first test of its process the organisation is T1 already (the update then fails on the unique code).
    Team.objects.filter(pk=trust["payroll"].pk).update(code="PAY-1")
    before = _tree()
    arguments = {"name": "Ward B", "code": "W-B", "kind": Team.TEAM, "parent": trust["wards"], "user": trust["hr"]}
    with pytest.raises(TeamError, match=message):
        team_create(**{**arguments, **fields})

    assert _tree() == before and _events() == []


def test_no_team_is_added_under_a_closed_one(trust):
    Team.objects.filter(pk=trust["payroll"].pk).update(closed_on=today())
    with pytest.raises(TeamError, match="Payroll closed on"):
        team_create(name="Pensions", code="PEN", kind=Team.TEAM, parent=trust["payroll"], user=trust["hr"])


def test_renaming_keeps_the_people_and_records_before_and_after(trust):
    team_rename(team=trust["payroll"], name="Payroll and Pensions", code="PAY2", user=trust["hr"])

    payroll = _fresh(trust["payroll"])
    assert (payroll.name, payroll.code) == ("Payroll and Pensions", "PAY2")
    assert payroll.staff.get() == trust["clerk"]
    (event,) = _events()
    assert event.detail["before"] == {"name": "Payroll", "code": trust["payroll"].code}
    assert event.detail["after"] == {"name": "Payroll and Pensions", "code": "PAY2"}


def test_renaming_to_another_teams_code_is_refused_and_a_change_of_case_is_not(trust):
    before = _tree()
    with pytest.raises(TeamError, match=f"Code '{trust['finance'].code}' is already used by Finance"):
        team_rename(team=trust["payroll"], name="Payroll", code=trust["finance"].code, user=trust["hr"])
    assert _tree() == before

    team_rename(team=trust["payroll"], name="Payroll", code=trust["payroll"].code.lower(), user=trust["hr"])
    assert _fresh(trust["payroll"]).code == trust["payroll"].code.lower()


def test_renaming_to_the_same_name_and_code_records_nothing(trust):
    team_rename(team=trust["payroll"], name="Payroll", code=trust["payroll"].code, user=trust["hr"])
    assert _events() == []


def test_a_move_brings_the_people_below_into_the_new_parents_requirements(trust):
    assert _requirements_of(trust["clerk"]) == {"Fire safety"}
    history = list(StaffChange.objects.values_list("staff_id", "team_id", "recorded_at"))

    moved = team_move(team=trust["finance"], parent=trust["wards"], user=trust["hr"])

    assert moved == {"people": 1, "in_background": False}
    assert _fresh(trust["payroll"]).get_parent().get_parent() == _fresh(trust["wards"])
    assert _requirements_of(trust["clerk"]) == {"Fire safety", "Clinical skills"}
    # The roster's history names teams by id, which a move leaves alone: nothing to add.
    assert list(StaffChange.objects.values_list("staff_id", "team_id", "recorded_at")) == history
    (event,) = _events("moved")
    assert event.detail["after"] == {"parent": trust["wards"].code} and event.detail["people"] == 1


def test_a_move_out_takes_the_teams_requirements_away(trust):
    assert "Clinical skills" in _requirements_of(trust["nurse"])
    team_move(team=trust["ward_a"], parent=trust["finance"], user=trust["hr"])
    assert _requirements_of(trust["nurse"]) == {"Fire safety"}
    live = _table()
    RequirementStatus.objects.all().delete()
    projection.refresh()
    assert _table() == live  # a rebuild equals the table the move left


def test_a_move_of_many_people_refreshes_them_in_the_task_worker(
    trust, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services.refresh, "REFRESH_IN_BACKGROUND_OVER", 0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        moved = team_move(team=trust["finance"], parent=trust["wards"], user=trust["hr"])

    assert moved == {"people": 1, "in_background": True} and len(callbacks) == 1
    assert _requirements_of(trust["clerk"]) == {"Fire safety", "Clinical skills"}  # the test task backend runs it


@pytest.mark.parametrize("target", ["finance", "payroll"])
def test_a_team_cannot_move_under_itself_or_a_team_below_it(trust, target):
    before = _tree()
    with pytest.raises(TeamError, match="cannot move under"):
        team_move(team=trust["finance"], parent=trust[target], user=trust["hr"])
    assert _tree() == before and _events() == []


def test_a_team_cannot_move_under_a_closed_team(trust):
    Team.objects.filter(pk=trust["ward_a"].pk).update(closed_on=today())
    with pytest.raises(TeamError, match="Ward A closed on"):
        team_move(team=trust["payroll"], parent=trust["ward_a"], user=trust["hr"])


def test_an_empty_team_closes_and_the_roster_then_refuses_it(trust):
    team = team_create(name="Pensions", code="PEN", kind=Team.TEAM, parent=trust["finance"], user=trust["hr"])
    team_close(team=team, closed_on=today(), user=trust["hr"])

    assert _fresh(team).closed_on == today() and _events("closed")[0].detail["closed_on"] == today().isoformat()
    roster = (
        "Employee Number,First Name,Last Name,Work Email,Org Code,Start Date\n"
        "E9000001,Robin,New,robin.new@example.nhs.uk,PEN,2024-01-08\n"
    )
    plan = plan_roster(roster.encode())
    assert plan.rejected == [(2, f"Team 'PEN' closed on {today():%d/%m/%Y}: place the person in an open team")]


def test_a_team_with_people_in_post_cannot_close_and_says_how_many(trust):
    factories.make_staff(team=trust["payroll"], start_date=LONG_AGO)
    factories.make_staff(team=trust["payroll"], start_date=LONG_AGO, leave_date=today() - datetime.timedelta(days=9))
    with pytest.raises(TeamError, match="Payroll still has 2 people in post"):
        team_close(team=trust["payroll"], closed_on=today(), user=trust["hr"])
    assert _fresh(trust["payroll"]).closed_on is None and _events() == []


def test_a_team_with_open_teams_below_cannot_close_and_names_them(trust):
    trust["clerk"].leave_date = today() - datetime.timedelta(days=3)
    trust["clerk"].save()
    with pytest.raises(TeamError, match="Finance still has open teams below it: Payroll"):
        team_close(team=trust["finance"], closed_on=today(), user=trust["hr"])
    team_close(team=trust["payroll"], closed_on=today(), user=trust["hr"])
    team_close(team=trust["finance"], closed_on=today(), user=trust["hr"])
    assert _fresh(trust["finance"]).closed_on == today()


def test_a_team_cannot_close_in_the_future_or_twice(trust):
    team = team_create(name="Pensions", code="PEN", kind=Team.TEAM, parent=trust["finance"], user=trust["hr"])
    with pytest.raises(TeamError, match="today or in the past"):
        team_close(team=team, closed_on=today() + datetime.timedelta(days=1), user=trust["hr"])
    team_close(team=team, closed_on=today(), user=trust["hr"])
    with pytest.raises(TeamError, match="Pensions already closed on"):
        team_close(team=team, closed_on=today(), user=trust["hr"])


def test_an_unknown_team_in_the_roster_says_where_to_add_it(trust):
    roster = (
        "Employee Number,First Name,Last Name,Work Email,Organisation,Start Date\n"
        "E9000001,Robin,New,robin.new@example.nhs.uk,Business Intelligence,2024-01-08\n"
    )
    ((_, message),) = plan_roster(roster.encode()).rejected
    assert message == (
        "Team 'Business Intelligence' is not a known team: import the organisation's teams "
        "(/hr/imports/organisation/) or add it on the Organisation page (/hr/organisation/) first, or correct the "
        "Organisation Code"
    )


def test_the_background_refresh_a_chunk_at_a_time_equals_a_rebuild(trust):
    factories.make_staff(team=trust["payroll"], start_date=LONG_AGO)
    team_move(team=trust["finance"], parent=trust["wards"], user=trust["hr"])
    expected = _table()
    RequirementStatus.objects.all().delete()

    written = team_status_refresh(team_id=trust["finance"].pk, chunk=1)

    assert written == 4  # the two people in Payroll, two requirements each
    assert _table() == {key: value for key, value in expected.items() if key[0] != trust["nurse"].pk}


def test_a_closed_team_still_takes_a_row_for_someone_who_left_by_the_day_it_closed(trust):
    team = team_create(name="Pensions", code="PEN", kind=Team.TEAM, parent=trust["finance"], user=trust["hr"])
    team_close(team=team, closed_on=today() - datetime.timedelta(days=10), user=trust["hr"])
    left = (today() - datetime.timedelta(days=20)).isoformat()
    roster = (
        "Employee Number,First Name,Last Name,Work Email,Org Code,Start Date,Leave Date\n"
        f"E9000001,Robin,Gone,robin.gone@example.nhs.uk,PEN,2020-01-06,{left}\n"
    )
    plan = plan_roster(roster.encode())
    assert plan.rejected == [] and len(plan.to_create) == 1
