# ruff: noqa: F811 (org is the fixture imported from test_reminders)
"""A worker killed outright (SIGKILL, the machine restarted) between a reminder's claim and its email leaves a claim
nothing withdraws. Before, the claim was the record of a reminder sent, so that reminder never went, nor, for the
manager's stage, did HR's after it. A claim is now marked sent only once the mail server took the email, and a later
run sends a claim left unsent for CLAIM_LEFT_AFTER; one younger than that may be a live worker's, mid-send, and is
left to it. The kill is the claim made as the run makes it (`reminder_sending._claim`), and no email."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import reminder_sending
from portal.compliance.models import ReminderLog
from portal.compliance.reminder_sending import CLAIM_LEFT_AFTER, reminders_send
from portal.compliance.reminders import messages_due
from tests.compliance.test_reminders import GRACE, HR, LONDON, SAM, day, org  # noqa: F401


@pytest.fixture
def at(monkeypatch):
    """Set the clock to `on` at 7am London time (the daily run's hour), and `later` after it."""

    def _at(on: datetime.date, later: datetime.timedelta = datetime.timedelta(0)) -> None:
        moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON) + later
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return _at


def _killed_after_claiming(on: datetime.date, stage: str) -> int:
    """The run on `on` claims the messages of `stage` due then and is killed before it sends any: the claims made."""
    claimed = [reminder_sending._claim(message) for message in messages_due(on) if message.stage == stage]
    assert claimed and all(isinstance(pk, int) for pk in claimed), claimed  # each a new claim's id, not an outcome
    return len(claimed)


def _to(outbox, address, words=""):
    return [message.subject for message in outbox if message.to == [address] and words in message.subject]


def test_a_reminder_claimed_and_never_sent_goes_on_the_next_days_run_once(org, at, mailoutbox):
    at(day(0))
    assert _killed_after_claiming(day(0), "on_due") == 1
    assert mailoutbox == []
    for offset in range(1, 7):
        at(day(offset))
        reminders_send(day(offset))
    assert _to(mailoutbox, SAM) == ["Safeguarding Adults Level 1 was due on 2 February 2026"]  # written that day
    log = ReminderLog.objects.get(stage="on_due")
    assert timezone.localtime(log.sent_at, LONDON).date() == day(1)


def test_a_claim_a_live_worker_may_still_be_sending_is_left_to_it(org, at, mailoutbox):
    at(day(0))
    _killed_after_claiming(day(0), "on_due")
    at(day(0), datetime.timedelta(minutes=10))  # a run ten minutes later: the claim may be mid-send
    assert "on_due" not in reminders_send(day(0))
    assert _to(mailoutbox, SAM) == []
    assert ReminderLog.objects.get(stage="on_due").sent_at is None
    at(day(0), CLAIM_LEFT_AFTER + datetime.timedelta(minutes=1))  # the worker that claimed it is gone
    assert reminders_send(day(0))["on_due"] == 1
    assert _to(mailoutbox, SAM) == ["Safeguarding Adults Level 1 is due today"]


def test_a_managers_weekly_list_claimed_on_monday_and_never_sent_goes_on_tuesday(org, at, mailoutbox):
    assert day(0).weekday() == 0  # the due date is a Monday: the list's day
    at(day(0))
    _killed_after_claiming(day(0), "digest")
    for offset in (1, 2):
        at(day(offset))
        reminders_send(day(offset))
    assert len(_to(mailoutbox, GRACE, "to follow up this week")) == 1
    assert ReminderLog.objects.get(stage="digest").sent_at is not None


def test_an_escalation_claimed_and_never_sent_reaches_the_manager_and_hr_follows_from_when_it_went(org, at, mailoutbox):
    for offset in range(-14, 14):
        at(day(offset))
        reminders_send(day(offset))
    at(day(14))
    _killed_after_claiming(day(14), "manager")
    for offset in range(15, 40):
        at(day(offset))
        reminders_send(day(offset))
    assert _to(mailoutbox, GRACE, "is overdue with") == ["Sam O'Neill is overdue with Safeguarding Adults Level 1"]
    hr = ReminderLog.objects.get(stage="hr")
    assert hr.recipient == HR and timezone.localtime(hr.sent_at, LONDON).date() == day(29)  # 14 days after day 15


def test_what_the_run_counts_as_sent_is_only_what_went(org, at, mailoutbox):
    at(day(0))
    _killed_after_claiming(day(0), "on_due")
    at(day(1))
    assert reminders_send(day(1)).get("on_due") == 1
    assert ReminderLog.objects.filter(sent_at__isnull=True).count() == 0
