"""Reminders: each stage on its day, to the right person, once ever; the managers' weekly digest."""

import datetime
import smtplib
import zoneinfo
from io import StringIO

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.compliance import pauses
from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.compliance.reminders import before_due, next_stage
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=28)  # Monday 2 February 2026: never done, due at the end of the window
NURSES = "Nursing and Midwifery Registered"
SAM, GRACE, HR = "sam@example.nhs.uk", "grace@example.nhs.uk", "hr@example.nhs.uk"


def day(offset: int) -> datetime.date:
    return DUE + datetime.timedelta(days=offset)


@pytest.fixture
def run(monkeypatch):
    """The daily cron run on `on`, at 7am London time (so what it records is stamped with that day)."""

    def _run(on: datetime.date):
        moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return reminders_send(on)

    return _run


@pytest.fixture
def org(db):
    team = factories.make_team("Finance")
    grace = factories.make_staff(
        team=team, first_name="Grace", last_name="Okafor", user=factories.make_user(email=GRACE)
    )
    TeamManager.objects.create(staff=grace, team=team, started_on=START)
    hr_user = factories.make_user(email=HR)
    hr_user.groups.add(hr_group())
    sam = factories.make_staff(
        team=team,
        first_name="Sam",
        last_name="O'Neill",
        staff_group=NURSES,
        start_date=START,
        line_manager=grace,
        user=factories.make_user(email=SAM),
    )
    requirement = factories.make_requirement(
        name="Safeguarding Adults Level 1", applies_to_everyone=False, staff_groups=[NURSES]
    )
    refresh()
    return {"sam": sam, "grace": grace, "requirement": requirement}


@pytest.fixture
def lists_went_on_monday(monkeypatch):
    """Monday's run sent the managers' weekly lists, which the test is not about: a run later in the week sends none.
    (A list Monday's run did not send goes on the next run that week: test_reminders_digest_missed_monday.)"""
    from portal.compliance import reminders as module

    digests_due = module.digests_due
    monkeypatch.setattr(module, "digests_due", lambda today: digests_due(today) if today.weekday() == 0 else [])


def reminders(outbox):
    """(recipient, subject) of every message except the digests."""
    return [(m.to[0], m.subject) for m in outbox if "to follow up this week" not in m.subject]


def daily(run, first: int, last: int) -> dict[int, list[tuple[str, str]]]:
    """Run every day from day(first) to day(last); {offset: [(stage, recipient)]} for the days anything was sent."""
    sent = {}
    for offset in range(first, last + 1):
        before = set(ReminderLog.objects.exclude(stage="digest").values_list("pk", flat=True))
        run(day(offset))
        new = ReminderLog.objects.exclude(stage="digest").exclude(pk__in=before).order_by("pk")
        if new:
            sent[offset] = [(log.stage, log.recipient) for log in new]
    return sent


def test_each_stage_fires_on_its_day_to_the_right_person(org, run, mailoutbox):
    assert daily(run, -30, 60) == {
        -14: [("before", SAM)],
        0: [("on_due", SAM)],
        7: [("after", SAM)],
        14: [("manager", GRACE)],
        28: [("hr", HR)],
    }
    assert reminders(mailoutbox) == [
        (SAM, "Reminder: Safeguarding Adults Level 1 is due by 2 February 2026"),
        (SAM, "Safeguarding Adults Level 1 is due today"),
        (SAM, "Safeguarding Adults Level 1 is overdue"),
        (GRACE, "Sam O'Neill is overdue with Safeguarding Adults Level 1"),
        (HR, f"Escalation: Sam O'Neill ({org['sam'].employee_number}) is overdue with Safeguarding Adults Level 1"),
    ]


def test_every_message_sent_is_recorded(org, run, mailoutbox):
    daily(run, -30, 60)
    logged = sorted(ReminderLog.objects.values_list("recipient", "subject"))
    assert logged == sorted((m.to[0], m.subject) for m in mailoutbox)
    assert all(log.due_on == DUE for log in ReminderLog.objects.exclude(stage="digest"))
    assert {log.sent_at.date() for log in ReminderLog.objects.filter(stage="manager")} == {day(14)}


def test_the_messages_are_plain_and_kind_and_link_to_my_training(org, run, mailoutbox, settings):
    for offset in (-14, 0, 7, 14, 28):
        run(day(offset))
    to_sam, to_grace, to_hr = (
        [m for m in mailoutbox if m.to == [who] and "follow up" not in m.subject] for who in (SAM, GRACE, HR)
    )
    assert to_sam[0].body.startswith(
        "Dear Sam,\n\nThis is a reminder that you need to complete Safeguarding Adults Level 1 by Monday 2 February"
    )
    assert "Sam O'Neill" in to_grace[0].body and to_grace[0].body.startswith("Dear Grace,")
    assert "help them find the time" in to_grace[0].body
    assert org["sam"].employee_number in to_hr[0].body and "Grace Okafor" in to_hr[0].body
    assert "told their line manager" in to_hr[0].body
    for message in mailoutbox:
        assert f"{settings.WAGTAILADMIN_BASE_URL}/training/" in message.body or "/team/" in message.body
        assert "&#x27;" not in message.body + message.subject and "<" not in message.body
        assert message.from_email == "training-portal@example.nhs.uk"


def test_every_link_is_on_the_portals_address(org, run, mailoutbox, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"  # PORTAL_BASE_URL
    for offset in (-14, 0, 7, 14, 28):
        run(day(offset))
    links = [word for message in mailoutbox for word in message.body.split() if "://" in word]
    assert {message.to[0] for message in mailoutbox} == {SAM, GRACE, HR}
    assert "https://training.example.nhs.uk/training/" in links and "https://training.example.nhs.uk/team/" in links
    assert all(link.startswith("https://training.example.nhs.uk/") for link in links), links


def test_someone_first_seen_long_overdue_is_told_before_anyone_else_is(org, run):
    """A requirement added today makes long-standing staff overdue at once: no escalation on the first day."""
    assert daily(run, 60, 120) == {60: [("after", SAM)], 67: [("manager", GRACE)], 81: [("hr", HR)]}


def test_with_no_line_manager_the_escalation_goes_to_the_manager_of_their_team_then_hr(org, run):
    org["sam"].line_manager = None
    org["sam"].save()
    assert daily(run, 0, 60) == {
        0: [("on_due", SAM)],
        7: [("after", SAM)],
        14: [("manager", GRACE)],  # Grace manages Sam's team: she has Sam on her team page
        28: [("hr", HR)],
    }


def test_with_no_line_manager_nor_anyone_managing_their_team_the_escalation_goes_to_hr(org, run):
    org["sam"].line_manager = None
    org["sam"].save()
    TeamManager.objects.all().delete()
    assert daily(run, 0, 60) == {0: [("on_due", SAM)], 7: [("after", SAM)], 28: [("hr", HR)]}


def test_a_manager_who_has_left_is_not_sent_escalations(org, run):
    org["grace"].leave_date = day(0)
    org["grace"].save()
    assert [stage for sent in daily(run, 0, 60).values() for stage, _ in sent] == ["on_due", "after", "hr"]


def test_a_missed_day_is_caught_up_but_never_twice(org, run, mailoutbox):
    run(day(2))  # the cron job did not run on the due date itself
    assert reminders(mailoutbox) == [(SAM, "Safeguarding Adults Level 1 was due on 2 February 2026")]
    assert daily(run, 3, 6) == {}


def test_running_twice_sends_nothing_twice(org, run, mailoutbox):
    run(day(7))
    count = len(mailoutbox)
    assert count == 2  # the reminder, and the Monday digest
    assert run(day(7)) == {}
    assert len(mailoutbox) == count == ReminderLog.objects.count()


def test_the_command_runs_the_task_reports_by_stage_and_twice_sends_nothing_new(
    org, monkeypatch, mailoutbox, lists_went_on_monday
):
    moment = datetime.datetime.combine(day(8), datetime.time(7, 0), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    out = StringIO()
    call_command("send_reminders", "--date", day(8).isoformat(), stdout=out)
    assert "Reminders for 10 February 2026: 1 sent." in out.getvalue()
    assert "After the due date: 1" in out.getvalue() and "Escalated to HR: 0" in out.getvalue()
    count = len(mailoutbox)
    out = StringIO()
    call_command("send_reminders", "--date", day(8).isoformat(), stdout=out)
    assert len(mailoutbox) == count == 1 and "0 sent" in out.getvalue()


def test_the_command_explains_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "10/02/2026")


def test_finishing_in_time_stops_the_reminders(org, run, mailoutbox):
    run(day(-14))
    factories.make_completion(org["sam"], org["requirement"], timezone.now())
    assert daily(run, -13, 60) == {}


def test_leavers_get_nothing(org, run, mailoutbox):
    org["sam"].leave_date = day(-20)
    org["sam"].save()
    refresh()
    daily(run, -30, 60)
    assert reminders(mailoutbox) == [] and not ReminderLog.objects.filter(staff=org["sam"]).exists()


def test_people_it_does_not_apply_to_get_nothing(org, run, mailoutbox):
    org["sam"].staff_group = "Administrative and Clerical"
    org["sam"].save()
    refresh()
    daily(run, -30, 60)
    assert reminders(mailoutbox) == []


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("the mail server went away")


def test_a_message_that_cannot_be_sent_is_tried_again_next_time(org, run, settings, mailoutbox, caplog):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders.BrokenBackend"
    assert run(day(0)) == {"not_sent": 2}  # the reminder, and the Monday digest
    assert not ReminderLog.objects.exists() and "Could not send the on_due reminder" in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run(day(1)) == {"on_due": 1, "digest": 1}  # and the weekly list, which did not go on Monday


# --- the managers' weekly digest --------------------------------------------------------------------------------


def digests(outbox):
    return [m for m in outbox if "to follow up this week" in m.subject]


def test_a_manager_gets_one_digest_a_week_on_mondays(org, run, mailoutbox):
    monday = day(7)
    assert monday.weekday() == 0
    run(monday)
    run(monday)
    run(day(8))  # Tuesday: no digest
    (digest,) = digests(mailoutbox)
    assert digest.to == [GRACE] and digest.subject == "Your team's training: 1 person to follow up this week"
    assert "Overdue:\n\nSam O'Neill\n- Safeguarding Adults Level 1, due 2 February 2026\n" in digest.body
    assert ReminderLog.objects.get(stage="digest").due_on == monday
    run(day(14))  # the next Monday
    assert len(digests(mailoutbox)) == 2


def test_the_digest_lists_people_due_soon_and_never_the_manager_themselves(org, run, mailoutbox):
    org["grace"].staff_group = NURSES  # Grace is overdue too, but she hears about it herself, not in her digest
    org["grace"].save()
    refresh()
    run(day(-7))
    (digest,) = digests(mailoutbox)
    assert "Due in the next 30 days:\n\nSam O'Neill\n- Safeguarding Adults Level 1, due 2 February 2026" in digest.body
    assert "Grace Okafor" not in digest.body


def test_a_long_digest_lists_the_first_people_and_counts_the_rest(org, run, mailoutbox, monkeypatch):
    monkeypatch.setattr("portal.compliance.reminders.DIGEST_MAX_PEOPLE", 1)
    factories.make_staff(team=org["sam"].team, first_name="Zara", staff_group=NURSES, start_date=START)
    refresh()
    run(day(7))
    (digest,) = digests(mailoutbox)
    assert digest.subject == "Your team's training: 2 people to follow up this week"
    assert "Sam O'Neill" in digest.body and "Zara" not in digest.body
    assert "And 1 more person, not listed here." in digest.body


def test_no_digest_when_nobody_needs_following_up(org, run, mailoutbox):
    factories.make_completion(org["sam"], org["requirement"], timezone.now())
    run(day(7))
    assert digests(mailoutbox) == []


# --- the rule itself --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "sent", "expected"),
    [
        (-15, {}, None),
        (-14, {}, "before"),
        (-3, {"before:14": -14}, None),  # a reminder before the due date is named by its days before
        (0, {"before:14": -14}, "on_due"),
        (6, {"on_due": 0}, None),
        (7, {"on_due": 0}, "after"),
        (14, {"after": 7}, "manager"),
        (20, {"after": 14}, None),  # the manager hears a week after the person, whatever the calendar says
        (21, {"after": 14}, "manager"),
        (28, {"after": 7, "manager": 14}, "hr"),
        (400, {"after": 7, "manager": 14, "hr": 28}, None),
    ],
)
def test_next_stage(days, sent, expected):
    today = day(days)
    assert next_stage(DUE, today, {stage: day(d) for stage, d in sent.items()}, has_manager=True) == expected


@pytest.mark.parametrize(
    ("days", "sent", "expected"),
    [
        (-61, set(), None),
        (-60, set(), 60),
        (-45, {60}, None),
        (-30, {60}, 30),
        (-14, {60, 30}, 14),
        (-1, {60, 30, 14}, None),
        (-20, set(), 30),  # first seen 20 days before: the 30-day reminder, not the 60 one late as well
        (0, set(), None),  # on the due date it is the on_due stage's turn
    ],
)
def test_before_due_picks_the_last_reminder_reached_once(days, sent, expected):
    sent = {f"before:{d}": day(-d) for d in sent}
    assert before_due(DUE, day(days), [60, 30, 14], sent) == expected


def test_several_reminders_before_the_due_date_each_sent_once(org, run, mailoutbox):
    # Days that fall after Sam's start (28 days before the due date): nobody is reminded before they start
    # (tests/reports/test_future_starters.py).
    org["requirement"].reminder_days = [21, 14, 7]
    org["requirement"].save()
    assert daily(run, -70, -1) == {-21: [("before", SAM)], -14: [("before", SAM)], -7: [("before", SAM)]}
    assert sorted(ReminderLog.objects.filter(stage="before").values_list("days_before", flat=True)) == [7, 14, 21]
    assert daily(run, -70, -1) == {}  # run again: nothing twice


def test_a_paused_person_is_not_reminded_nor_escalated_and_picks_up_on_return(org, run, mailoutbox):
    hr = factories.make_user(email="hr2@example.nhs.uk")
    hr.groups.add(hr_group())
    moment = datetime.datetime.combine(day(-20), datetime.time(9, 0), tzinfo=LONDON)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        patch.setattr(timezone, "localdate", lambda *a, **k: day(-20))
        pauses.pause_add(
            staff=org["sam"],
            requirements=None,
            reason_code=pauses.SICKNESS,
            first_day=day(-20),
            last_day=day(40),
            user=hr,
        )
    assert daily(run, -30, 40) == {}  # paused through the old due date and the whole ladder
    # Back on day 41 with the 21 days they had left when the pause began (day -20 to the due date).
    new_due = day(40) + datetime.timedelta(days=21)
    assert {log.due_on for log in ReminderLog.objects.exclude(stage="digest")} <= {new_due}
