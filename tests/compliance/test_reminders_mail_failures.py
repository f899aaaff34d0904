# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""The mail server failing during the daily run. One address refused: the run goes on for everyone else, logs it, and
records nothing for the refused one, which the next run tries again. The server unreachable: after a few emails in a
row fail so, the run stops trying (each would wait out EMAIL_TIMEOUT: thousands of emails, hours of a worker stuck)
and leaves every one of them for the next run, which sends them all. Nothing that did not go is recorded as sent."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.utils import timezone

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance.test_reminders import LONDON, NURSES, SAM, START, day, org, reminders, run  # noqa: F401
from tests.compliance.test_reminders import lists_went_on_monday as lists_went_on_monday

pytestmark = pytest.mark.usefixtures("lists_went_on_monday")  # Monday's list went; not these tests' business

ATTEMPTS = []


class DownBackend(BaseEmailBackend):
    """The mail server does not answer: every connection is refused."""

    def send_messages(self, email_messages):
        ATTEMPTS.extend(message.to[0] for message in email_messages)
        raise ConnectionRefusedError(111, "Connection refused")


class RefusesSamBackend(LocmemBackend):
    """The server takes everyone's email but Sam's (his mailbox is gone)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if SAM in message.to:
                raise smtplib.SMTPRecipientsRefused({SAM: (550, b"5.1.1 mailbox unavailable")})
        return super().send_messages(email_messages)


@pytest.fixture
def ward(org):
    """Sam and six colleagues, all due on Monday day(0): the runs here are on the Tuesday (no digest) and after."""
    ATTEMPTS.clear()
    for n in range(6):
        factories.make_staff(
            team=org["sam"].team,
            first_name=f"Colleague{n}",
            staff_group=NURSES,
            start_date=START,
            work_email=f"colleague{n}@example.nhs.uk",
        )
    refresh()
    return org


def test_one_refused_address_does_not_stop_the_others_and_is_tried_again(ward, run, settings, mailoutbox, caplog):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_mail_failures.RefusesSamBackend"
    assert run(day(1)) == {"on_due": 6, "not_sent": 1}
    assert sorted(to for to, _ in reminders(mailoutbox)) == [f"colleague{n}@example.nhs.uk" for n in range(6)]
    assert not ReminderLog.objects.filter(recipient=SAM).exists()
    assert "Could not send the on_due reminder" in caplog.text and SAM in caplog.text
    assert "1 reminder emails for 2026-02-03 were not sent; the next run tries them again." in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # Sam's mailbox is back
    assert run(day(2)) == {"on_due": 1}
    assert reminders(mailoutbox)[-1] == (SAM, "Safeguarding Adults Level 1 was due on 2 February 2026")


def test_a_mail_server_that_is_down_stops_the_run_and_the_next_run_sends_everything(
    ward, run, settings, mailoutbox, caplog
):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_mail_failures.DownBackend"
    assert run(day(1)) == {"not_sent": 7}
    assert len(ATTEMPTS) == 3  # not seven: the server was tried three times, then left alone
    assert not ReminderLog.objects.exists()
    assert "the other 4 emails of the run are left for the next run" in caplog.text
    assert "7 reminder emails for 2026-02-03 were not sent" in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run(day(2)) == {"on_due": 7}  # the day after: each once, in the words of a missed due date
    assert len(reminders(mailoutbox)) == ReminderLog.objects.count() == 7
    assert run(day(2)) == {}


def test_a_server_that_fails_now_and_then_does_not_stop_the_run(ward, run, settings, mailoutbox, monkeypatch):
    """Two failures in a row, then the server answers: the run goes on to the end."""
    calls = []

    class Flaky(LocmemBackend):
        def send_messages(self, email_messages):
            calls.append(1)
            if len(calls) in (1, 2, 4, 5):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            return super().send_messages(email_messages)

    monkeypatch.setattr("tests.compliance.test_reminders_mail_failures.RefusesSamBackend", Flaky)
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_mail_failures.RefusesSamBackend"
    assert run(day(1)) == {"on_due": 3, "not_sent": 4}
    assert len(calls) == 7 and ReminderLog.objects.count() == 3


def test_the_command_says_how_many_did_not_go(ward, settings, mailoutbox, monkeypatch):
    """On stderr, which cron mails to whoever runs the server: '6 sent' alone read as a good day."""
    moment = datetime.datetime.combine(day(1), datetime.time(7, 0), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_mail_failures.RefusesSamBackend"
    out, err = StringIO(), StringIO()
    call_command("send_reminders", "--date", day(1).isoformat(), stdout=out, stderr=err)
    assert "Reminders for 3 February 2026: 6 sent." in out.getvalue()
    assert (
        "Warning for 3 February 2026: 1 reminder email could not be sent (the mail server refused them or could not "
        "be reached; the server's log says which and why). Nothing was recorded for them: the next run sends them."
    ) in err.getvalue()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out, err = StringIO(), StringIO()
    call_command("send_reminders", "--date", day(1).isoformat(), stdout=out, stderr=err)
    assert "Reminders for 3 February 2026: 1 sent." in out.getvalue() and err.getvalue() == ""
