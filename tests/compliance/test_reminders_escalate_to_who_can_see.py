"""The escalation on day 14 goes to whoever can open the person's page: their line manager if they manage the person's
team or a team above it, else the managers of the nearest team at or above the person's that has one, else HR. An ESR
supervisor on another site, or one not updated after a move, is never sent a link they cannot open, and the manager
who has the person on their team page hears."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.compliance import pauses
from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.compliance.reminders import reminders_due
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=28)
HR = "hr@x.nhs.uk"
NURSES = "Nursing and Midwifery Registered"  # Sam's staff group: nobody else's course is due in these runs


@pytest.fixture
def run(monkeypatch):
    def _run(on):
        moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return reminders_send(on)

    return _run


@pytest.fixture
def trust(db):
    """A directorate over Finance; Estates apart. Larry, in Estates, manages nobody; Dee manages the directorate."""
    hr = factories.make_user(email=HR)
    hr.groups.add(hr_group())
    directorate = factories.make_team("Corporate")
    finance = factories.make_team("Finance", parent=directorate)
    estates = factories.make_team("Estates")
    people = {
        name: factories.make_staff(
            team=team, first_name=name.title(), last_name="Staff", user=factories.make_user(email=f"{name}@x.nhs.uk")
        )
        for name, team in (("grace", finance), ("larry", estates), ("dee", directorate), ("mo", finance))
    }
    factories.make_requirement(name="Fire Safety", applies_to_everyone=False, staff_groups=[NURSES])
    return {"directorate": directorate, "finance": finance, "estates": estates, **people}


def _sam(trust, line_manager=None):
    sam = factories.make_staff(
        team=trust["finance"],
        first_name="Sam",
        last_name="Staff",
        staff_group=NURSES,
        start_date=START,
        line_manager=line_manager,
        user=factories.make_user(email="sam@x.nhs.uk"),
    )
    refresh()
    return sam


def _manages(trust, *pairs):
    for name, team in pairs:
        TeamManager.objects.create(staff=trust[name], team=trust[team], started_on=START)


def _escalated(run, days=15) -> set[str]:
    for offset in range(0, days):
        run(DUE + datetime.timedelta(days=offset))
    return set(ReminderLog.objects.filter(stage="manager").values_list("recipient", flat=True))


def test_a_line_manager_who_cannot_see_the_person_is_passed_over_for_the_teams_manager(trust, run, mailoutbox):
    _manages(trust, ("grace", "finance"))
    _sam(trust, line_manager=trust["larry"])
    assert _escalated(run) == {"grace@x.nhs.uk"}
    (to_grace,) = [m for m in mailoutbox if m.to == ["grace@x.nhs.uk"] and "overdue" in m.subject]
    assert to_grace.body.startswith("Dear Grace,\n\nSam Staff, in Finance, one of the teams you manage, has not yet")
    assert "/team/people/" in to_grace.body  # the person's page, which Grace can open


def test_hr_hears_who_was_told_and_that_the_esr_line_manager_cannot_see_them(trust, run, mailoutbox):
    _manages(trust, ("grace", "finance"))
    _sam(trust, line_manager=trust["larry"])
    _escalated(run, days=29)
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert "Manager of their team: Grace Staff (grace@x.nhs.uk)" in to_hr.body
    assert "Line manager in ESR: Larry Staff, who cannot see them in the portal" in to_hr.body
    assert "and told their team's manager." in to_hr.body


def test_a_line_manager_who_manages_the_persons_team_is_told_and_not_its_other_managers(trust, run):
    _manages(trust, ("grace", "finance"), ("mo", "finance"))
    _sam(trust, line_manager=trust["grace"])
    assert _escalated(run) == {"grace@x.nhs.uk"}


def test_a_line_manager_who_manages_a_team_above_is_told(trust, run, mailoutbox):
    _manages(trust, ("grace", "finance"), ("dee", "directorate"))
    _sam(trust, line_manager=trust["dee"])
    assert _escalated(run) == {"dee@x.nhs.uk"}
    (to_dee,) = [m for m in mailoutbox if m.to == ["dee@x.nhs.uk"] and "overdue" in m.subject]
    assert "Sam Staff, who reports to you, has not yet" in to_dee.body


def test_every_manager_of_the_nearest_team_with_one_is_told_each_by_name(trust, run, mailoutbox):
    # Finance has nobody managing it: the directorate's managers see Sam.
    trust["mo"].team = trust["directorate"]
    trust["mo"].save()
    _manages(trust, ("dee", "directorate"), ("mo", "directorate"))
    _sam(trust)  # no line manager in ESR at all
    assert _escalated(run) == {"dee@x.nhs.uk", "mo@x.nhs.uk"}
    bodies = {m.to[0]: m.body for m in mailoutbox if "overdue" in m.subject}
    assert bodies["dee@x.nhs.uk"].startswith("Dear Dee,") and bodies["mo@x.nhs.uk"].startswith("Dear Mo,")


def test_nobody_manages_any_team_above_the_person_so_hr_hears_on_its_day(trust, run, mailoutbox):
    _manages(trust, ("larry", "estates"))  # a manager, but not of Sam's teams
    _sam(trust, line_manager=trust["larry"])
    assert _escalated(run, days=29) == set()
    assert ReminderLog.objects.filter(stage="hr", recipient=HR, due_on=DUE).exists()
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert "They have no current manager who can see them in the portal, so nobody else has been told." in to_hr.body


@pytest.mark.parametrize("gone", ["away", "left"])
def test_the_teams_manager_away_or_left_passes_it_to_hr_as_a_line_manager_does(trust, run, mailoutbox, gone):
    _manages(trust, ("grace", "finance"))
    _sam(trust, line_manager=trust["larry"])
    grace = trust["grace"]
    if gone == "left":
        grace.leave_date = DUE
        grace.save()
    else:  # HR pauses all of her own training (a course of her staff group's alone)
        factories.make_requirement(name="Manual Handling", applies_to_everyone=False, staff_groups=["Estates"])
        grace.staff_group = "Estates"
        grace.save()
        refresh()
        pauses.pause_add(
            staff=grace,
            requirements=None,
            reason_code=pauses.MATERNITY,
            first_day=DUE,
            last_day=None,
            user=factories.make_user(email="hr2@x.nhs.uk"),
        )
    assert _escalated(run, days=29) == set()
    (to_hr,) = [m for m in mailoutbox if m.to == [HR] and "Sam" in m.subject]
    if gone == "away":
        assert "Manager of their team: Grace Staff (grace@x.nhs.uk), away" in to_hr.body
        assert "Their team's manager is away" in to_hr.body


def test_an_escalation_day_runs_the_same_queries_for_one_person_and_for_many(trust, run):
    _manages(trust, ("grace", "finance"), ("dee", "directorate"))
    _sam(trust, line_manager=trust["larry"])
    for offset in (0, 7):
        run(DUE + datetime.timedelta(days=offset))
    day = DUE + datetime.timedelta(days=14)

    def escalations() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            due = reminders_due(day)
        return len([m for m in due if m.stage == "manager"]), len(captured.captured_queries)

    # As reminders_due's other days (test_reminders_queries), and the managers of teams today, with their teams.
    assert escalations() == (1, 7)
    for _ in range(4):
        factories.make_staff(team=trust["finance"], staff_group=NURSES, start_date=START, line_manager=trust["dee"])
    refresh()
    for offset in (0, 7):
        run(DUE + datetime.timedelta(days=offset))
    assert escalations() == (5, 7)


def test_the_reviewers_repro(db, run, mailoutbox):
    finance = factories.make_team("Finance")
    estates = factories.make_team("Estates")
    grace = factories.make_staff(team=finance, first_name="Grace", user=factories.make_user(email="grace@x.nhs.uk"))
    TeamManager.objects.create(staff=grace, team=finance, started_on=START)
    larry = factories.make_staff(team=estates, first_name="Larry", user=factories.make_user(email="larry@x.nhs.uk"))
    factories.make_staff(
        team=finance,
        first_name="Sam",
        start_date=START,
        line_manager=larry,
        user=factories.make_user(email="sam@x.nhs.uk"),
    )
    factories.make_requirement(name="Fire Safety")
    refresh()
    assert _escalated(run) == {"grace@x.nhs.uk"}
