"""Someone who moves into a requirement's audience (a team, staff group or job title it names) gets the new-starter
window from the day of the move, on every clock: the live status row, the runs as it was, and as recorded then. They
are not overdue, reminded as overdue or escalated on the day they move. Someone who leaves the audience and comes
back gets a new window from their return; a new starter and someone in post when a requirement is introduced are due
as before."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from portal.compliance.asat import Moment, standings_as_at, statuses_as_at
from portal.compliance.models import EvidenceEntry, ReminderLog, RequirementStatus, StatusInterval
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.compliance.services import evidence_record
from portal.people.history import staff_changes_record
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

LONDON = zoneinfo.ZoneInfo("Europe/London")
# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = INTRODUCED = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, INTRODUCED
    TODAY = timezone.localdate()
    INTRODUCED = TODAY - datetime.timedelta(days=400)


WINDOW = datetime.timedelta(days=28)


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@pytest.fixture
def wards(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    return {name: factories.make_team(f"Ward {name}", parent=organisation) for name in "AB"}


@pytest.fixture
def requirement(wards):
    """Introduced well over a year ago, for Ward B only."""
    made = factories.make_requirement(name="Blood Transfusion", applies_to_everyone=False, introduced_on=INTRODUCED)
    made.teams.add(wards["B"])
    return made


def _move(person, team, effective: datetime.date) -> None:
    """A move as the roster records it: the person's team now, and a roster row from `effective`."""
    person.team = team
    person.save()
    staff_changes_record([person], effective=effective)
    refresh(staff_ids=[person.pk])


def _due_on_every_clock(person, requirement) -> set:
    """The due date as the live row, the run holding today ("as it was") and the ledger as recorded now say it."""
    live = RequirementStatus.objects.get(staff=person, requirement=requirement).due_on
    [run] = StatusInterval.objects.filter(
        staff=person, requirement=requirement, valid_from__lte=TODAY, valid_to__gt=TODAY
    )
    [recorded] = [
        row.due_on
        for facts, rows in statuses_as_at(Moment.now())
        if facts.staff_id == person.pk
        for row in rows
        if row.requirement_id == requirement.pk
    ]
    [counted] = [
        standing.due_on
        for facts, standings in standings_as_at(Moment.now())
        if facts.staff_id == person.pk
        for made, standing in standings
        if made.pk == requirement.pk
    ]
    return {live, run.due_on, recorded, counted}


def _due_as_it_was(person, requirement, day: datetime.date):
    [run] = StatusInterval.objects.filter(staff=person, requirement=requirement, valid_from__lte=day, valid_to__gt=day)
    return run.due_on, run.state


def test_a_mover_into_the_audience_is_due_a_window_after_the_move_on_every_clock(wards, requirement):
    person = factories.make_staff(team=wards["A"], start_date=datetime.date(2020, 1, 6))
    refresh()
    assert not RequirementStatus.objects.filter(staff=person, requirement=requirement).exists()

    _move(person, wards["B"], ago(10))

    assert _due_on_every_clock(person, requirement) == {ago(10) + WINDOW}
    assert RequirementStatus.objects.get(staff=person, requirement=requirement).state(TODAY) == "due_soon"
    assert _due_as_it_was(person, requirement, ago(10)) == (ago(10) + WINDOW, "due_soon")
    assert not StatusInterval.objects.filter(staff=person, requirement=requirement, valid_from__lt=ago(10)).exists()


def test_a_mover_is_not_reminded_as_overdue_or_escalated_on_the_day_of_the_move(wards, requirement, monkeypatch):
    manager = factories.make_staff(team=wards["B"], user=factories.make_user(email="grace@example.nhs.uk"))
    TeamManager.objects.create(staff=manager, team=wards["B"], started_on=datetime.date(2020, 1, 6))
    factories.make_user(email="hr@example.nhs.uk").groups.add(hr_group())
    person = factories.make_staff(
        team=wards["A"], line_manager=manager, user=factories.make_user(email="sam@example.nhs.uk")
    )
    _move(person, wards["B"], TODAY)

    for offset in range(0, 15):
        on = TODAY + datetime.timedelta(days=offset)
        moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        reminders_send(on)
    stages = set(ReminderLog.objects.filter(staff=person).exclude(stage="digest").values_list("stage", flat=True))
    assert not stages & {"on_due", "after", "manager", "hr"}, stages
    assert RequirementStatus.objects.get(staff=person, requirement=requirement).due_on == TODAY + WINDOW


def test_someone_who_leaves_the_audience_and_returns_gets_a_new_window(wards, requirement):
    person = factories.make_staff(team=wards["B"], start_date=datetime.date(2020, 1, 6))
    refresh()
    assert _due_on_every_clock(person, requirement) == {INTRODUCED + WINDOW}

    _move(person, wards["A"], ago(100))
    _move(person, wards["B"], ago(5))

    assert _due_on_every_clock(person, requirement) == {ago(5) + WINDOW}
    assert _due_as_it_was(person, requirement, ago(101)) == (INTRODUCED + WINDOW, "overdue")
    assert not StatusInterval.objects.filter(
        staff=person, requirement=requirement, valid_from__gte=ago(100), valid_from__lt=ago(5)
    ).exists()


def test_an_expired_completion_is_due_no_earlier_than_a_window_after_the_move(wards, requirement):
    person = factories.make_staff(team=wards["A"], start_date=datetime.date(2020, 1, 6))
    done = datetime.datetime.combine(ago(600), datetime.time(12), tzinfo=LONDON)
    evidence_record(
        staff=person,
        requirement=requirement,
        source=EvidenceEntry.IMPORT,
        source_ref="an earlier trust",
        idempotency_key="earlier",
        completed_at=done,
    )
    _move(person, wards["B"], ago(3))

    assert _due_on_every_clock(person, requirement) == {ago(3) + WINDOW}
    row = RequirementStatus.objects.get(staff=person, requirement=requirement)
    assert row.completed_on == ago(600) and row.expires_on < ago(3)


def test_a_new_starter_and_someone_in_post_at_the_introduction_are_due_as_before(wards, requirement):
    starter = factories.make_staff(team=wards["B"], start_date=ago(20))
    in_post = factories.make_staff(team=wards["B"], start_date=datetime.date(2020, 1, 6))
    recent = factories.make_requirement(name="Sepsis", applies_to_everyone=False, introduced_on=ago(7))
    recent.teams.add(wards["B"])
    refresh()

    assert _due_on_every_clock(starter, requirement) == {ago(20) + WINDOW}
    assert _due_on_every_clock(in_post, requirement) == {INTRODUCED + WINDOW}
    live = RequirementStatus.objects.get(staff=in_post, requirement=recent)
    assert live.due_on == ago(7) + WINDOW
