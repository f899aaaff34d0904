# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A line manager who is away (HR has paused every requirement of theirs: maternity leave, long-term sickness, ...) is
not reading work email: the escalations about their people pass over them to HR, as for a manager who has left, and
they get no weekly digest. From the day after the pause's last day they get both again. A pause on only some of their
requirements does not make them away."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.compliance import pauses
from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.reminder_recipients import staff_away
from portal.compliance.reminders import reminders_due
from portal.people.models import TeamManager
from tests import factories
from tests.compliance.test_reminders import GRACE, HR, NURSES, SAM, START, daily, day, org, run  # noqa: F401

CLERICAL = "Administrative and Clerical"  # Grace's staff group: her own training, none of it Sam's


@pytest.fixture
def grace_trained(org):
    """Grace's own two requirements, both done in January, so that nothing of her own is due in these runs."""
    own = [
        factories.make_requirement(name=name, applies_to_everyone=False, staff_groups=[CLERICAL])
        for name in ("Information Governance", "Conflict Resolution")
    ]
    refresh()
    for requirement in own:
        factories.make_completion(org["grace"], requirement, datetime.datetime(2026, 1, 12, 12, tzinfo=datetime.UTC))
    return {**org, "own": own}


def pause(staff, first_day, last_day, requirements=None):
    return pauses.pause_add(
        staff=staff,
        requirements=requirements,
        reason_code=pauses.MATERNITY,
        first_day=first_day,
        last_day=last_day,
        user=get_user_model().objects.get(email=HR),
    )


def test_escalations_go_to_hr_while_the_manager_is_away_and_to_her_from_the_day_after(grace_trained, run, mailoutbox):
    pause(grace_trained["grace"], day(0), day(60))
    assert daily(run, 0, 70) == {
        0: [("on_due", SAM)],
        7: [("after", SAM)],
        28: [("hr", HR)],  # HR's own day: nobody heard on day 14, as when a manager has left
        61: [("manager", GRACE)],  # the day after her pause's last day: Sam is still overdue
    }
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert "Line manager: Grace Okafor (grace@example.nhs.uk), away: all their own training is paused" in to_hr.body
    assert "Their line manager is away (all their own training is paused)" in to_hr.body
    assert "They have no current line manager" not in to_hr.body


def test_hrs_list_of_several_people_names_their_manager_as_away(grace_trained, run, mailoutbox):
    factories.make_staff(
        team=grace_trained["sam"].team,
        first_name="Zara",
        staff_group=NURSES,
        start_date=START,
        line_manager=grace_trained["grace"],
    )
    refresh()
    pause(grace_trained["grace"], day(0), day(60))
    for offset in (0, 7, 28):
        run(day(offset))
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    line = (
        "Line manager: Grace Okafor (grace@example.nhs.uk), away: all their own training is paused, so we are not "
        "telling them until they are back"
    )
    assert to_hr.body.count(line) == 2 and "none current" not in to_hr.body


def test_a_short_absence_delays_the_managers_escalation_to_her_return(grace_trained, run):
    pause(grace_trained["grace"], day(10), day(20))
    # Back on day 21: told then, and HR the usual two weeks after her.
    assert daily(run, 0, 40) == {0: [("on_due", SAM)], 7: [("after", SAM)], 21: [("manager", GRACE)], 35: [("hr", HR)]}


def test_a_manager_paused_on_only_some_of_her_requirements_is_at_work(grace_trained, run):
    pause(grace_trained["grace"], day(0), day(60), requirements=grace_trained["own"][:1])
    assert daily(run, 0, 30) == {0: [("on_due", SAM)], 7: [("after", SAM)], 14: [("manager", GRACE)], 28: [("hr", HR)]}


def test_a_withdrawn_pause_leaves_the_manager_at_work(grace_trained, run):
    recorded = pause(grace_trained["grace"], day(0), day(60))
    pauses.pause_withdraw(
        staff=grace_trained["grace"],
        ref=recorded.ref,
        reason="Recorded against the wrong person",
        user=get_user_model().objects.get(email=HR),
    )
    assert daily(run, 0, 30)[14] == [("manager", GRACE)]


def test_no_digest_while_away_and_the_next_monday_after(grace_trained, run):
    pause(grace_trained["grace"], day(0), day(20))  # day(0) is a Monday; back on Monday day(21)
    daily(run, 0, 28)
    digests = ReminderLog.objects.filter(stage="digest").order_by("due_on")
    assert [(log.recipient, log.due_on) for log in digests] == [(GRACE, day(21)), (GRACE, day(28))]


@pytest.mark.parametrize(
    ("last_day", "on", "away"),
    [
        (20, 9, False),  # before the first day
        (20, 10, True),  # the first day
        (20, 20, True),  # the last day
        (20, 21, False),  # the day after: back
        (None, 500, True),  # no return date yet
    ],
)
def test_who_is_away_on_a_day(grace_trained, last_day, on, away):
    pause(grace_trained["grace"], day(10), None if last_day is None else day(last_day))
    assert (grace_trained["grace"] in staff_away(day(on))) is away


def test_the_run_reads_who_is_away_in_one_query_whatever_the_number_of_managers(grace_trained):
    """reminders_due on the day the managers would hear: its queries do not grow with the people or their managers
    away (who is away is one query, whatever the number)."""
    pause(grace_trained["grace"], day(0), day(60))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            due = reminders_due(day(28))
        assert due  # the people's own overdue reminders, the first of the ladder
        return len(captured.captured_queries)

    few = queries()
    for n in range(3):
        manager = factories.make_staff(team=grace_trained["grace"].team, work_email=f"manager{n}@example.nhs.uk")
        TeamManager.objects.create(staff=manager, team=grace_trained["grace"].team, started_on=START)
        for _ in range(2):
            factories.make_staff(team=manager.team, staff_group=NURSES, start_date=START, line_manager=manager)
    refresh()
    for link in TeamManager.objects.exclude(staff=grace_trained["grace"]).select_related("staff"):
        pause(link.staff, day(0), day(60))
    assert staff_away(day(28)).count() == 4
    assert queries() == few
