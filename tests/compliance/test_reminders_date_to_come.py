"""`send_reminders --date` takes today or a day missed, never a day to come. Each reminder is sent once, ever, so a run
for a day to come told Sam that training due in ten days was overdue, and the reminder he should have had on that day
was then never sent."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.compliance.models import ReminderLog
from tests.compliance.test_reminders import LONDON, SAM, day, org, reminders  # noqa: F401 (org: the fixture)
from tests.compliance.test_reminders import lists_went_on_monday as lists_went_on_monday

pytestmark = pytest.mark.usefixtures("lists_went_on_monday")  # Monday's list went; not these tests' business


def _now_is(monkeypatch, on: datetime.date) -> None:
    moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_a_day_to_come_is_refused_and_nothing_is_sent(org, monkeypatch, mailoutbox):  # noqa: F811
    _now_is(monkeypatch, day(-10))

    with pytest.raises(CommandError) as refused:
        call_command("send_reminders", "--date", day(8).isoformat(), stdout=StringIO())

    assert str(refused.value) == (
        "--date 10 February 2026 is after today (23 January 2026): each reminder is sent once, ever, so a run for a "
        "day to come would send them early and they would not go on the day. Nothing was sent."
    )
    assert mailoutbox == [] and not ReminderLog.objects.exists()

    _now_is(monkeypatch, day(8))  # the day comes: the reminder it owes goes
    call_command("send_reminders", stdout=StringIO())
    assert reminders(mailoutbox) == [(SAM, "Safeguarding Adults Level 1 is overdue")]


def test_today_and_a_missed_day_are_run(org, monkeypatch, mailoutbox):  # noqa: F811
    _now_is(monkeypatch, day(9))
    out = StringIO()
    call_command("send_reminders", "--date", day(8).isoformat(), stdout=out)  # the cron job missed yesterday
    assert "Reminders for 10 February 2026: 1 sent." in out.getvalue()

    out = StringIO()
    call_command("send_reminders", "--date", day(9).isoformat(), stdout=out)
    assert "Reminders for 11 February 2026: 0 sent." in out.getvalue()
