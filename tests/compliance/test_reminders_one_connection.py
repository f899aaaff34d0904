# ruff: noqa: F811 (org, run and ward are the fixtures imported from the other reminder tests)
"""The daily run sends on one connection to the mail server, not one per email: opened once, closed at the end, also
when the run stops early. A refused recipient leaves it open; a server that drops it is connected to again for the
next email; a server down still stops the run after MAIL_DOWN_AFTER emails in a row."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance import reminder_sending
from portal.compliance.models import ReminderLog, ReminderRefusal
from portal.compliance.reminder_sending import MAIL_DOWN_AFTER
from tests.compliance.test_reminders import SAM, day, org, reminders, run  # noqa: F401
from tests.compliance.test_reminders import lists_went_on_monday as lists_went_on_monday
from tests.compliance.test_reminders_mail_failures import ward  # noqa: F401

pytestmark = pytest.mark.usefixtures("lists_went_on_monday")  # Monday's list went; not these tests' business

EVENTS = []  # "open", "close", "refused to connect", or the address of an email sent
SERVER = {"refuse": set(), "down_after": None, "drop_at": None, "quit_fails": False}


class CountingBackend(LocmemBackend):
    """A mail server as Django's SMTP backend meets it: `send_messages` connects if no connection is open and closes
    what it opened; the server refuses the addresses in SERVER["refuse"] (550), goes down for good once
    SERVER["down_after"] emails have gone (the open connection drops, and no new one can be made), and drops the
    connection once, at the SERVER["drop_at"]th email (an idle timeout, say); with SERVER["quit_fails"], it answers
    QUIT with an error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_open = self.dropped = False

    def open(self):
        if self.is_open:
            return False
        if _down():
            EVENTS.append("refused to connect")
            raise ConnectionRefusedError(111, "Connection refused")
        EVENTS.append("open")
        self.is_open, self.dropped = True, False
        return True

    def close(self):
        if self.is_open:
            EVENTS.append("close")
            self.is_open = False
            if SERVER["quit_fails"]:
                raise smtplib.SMTPResponseException(421, b"4.3.2 Service shutting down")

    def send_messages(self, email_messages):
        created = self.open()
        try:
            for message in email_messages:
                if self.dropped or _down() or _attempts() + 1 == SERVER["drop_at"]:
                    self.dropped = True  # as smtplib's: every email after it on this connection fails the same way
                    EVENTS.append("dropped")
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                if message.to[0] in SERVER["refuse"]:
                    EVENTS.append("refused")
                    raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"5.1.1 mailbox unavailable")})
                EVENTS.append(message.to[0])
            return super().send_messages(email_messages)
        finally:
            if created:
                self.close()


def _sent() -> int:
    return len([event for event in EVENTS if "@" in event])


def _attempts() -> int:
    return _sent() + EVENTS.count("refused") + EVENTS.count("dropped")


def _down() -> bool:
    return SERVER["down_after"] is not None and _sent() >= SERVER["down_after"]


@pytest.fixture
def server(settings):
    EVENTS.clear()
    SERVER.update(refuse=set(), down_after=None, drop_at=None, quit_fails=False)
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_one_connection.CountingBackend"
    return SERVER


def test_the_run_sends_every_email_on_one_connection(ward, server, run, mailoutbox):
    assert run(day(1)) == {"on_due": 7}
    assert EVENTS[0] == "open" and EVENTS[-1] == "close" and _sent() == 7
    assert (EVENTS.count("open"), EVENTS.count("close")) == (1, 1)  # not seven of each
    assert len(reminders(mailoutbox)) == ReminderLog.objects.count() == 7


def test_a_refused_recipient_leaves_the_connection_open_for_the_others(ward, server, run, mailoutbox):
    server["refuse"] = {SAM}
    assert run(day(1)) == {"on_due": 6, "not_sent": 1}
    assert (EVENTS.count("open"), EVENTS.count("close"), _sent()) == (1, 1, 6)
    assert not ReminderLog.objects.filter(recipient=SAM).exists()  # the claim withdrawn: the next run tries again
    assert ReminderRefusal.objects.get().recipient == SAM
    server["refuse"] = set()
    assert run(day(2)) == {"on_due": 1}


def test_a_connection_the_server_drops_is_made_again_for_the_next_email(ward, server, run, mailoutbox):
    server["drop_at"] = 3
    assert run(day(1)) == {"on_due": 6, "not_sent": 1}
    assert (EVENTS.count("open"), EVENTS.count("close"), _sent()) == (2, 2, 6)
    assert ReminderLog.objects.count() == 6


def test_a_server_that_goes_down_in_the_middle_stops_the_run_and_its_connection_is_closed(
    ward, server, run, mailoutbox, caplog
):
    server["down_after"] = 2
    assert run(day(1)) == {"on_due": 2, "not_sent": 5}
    # The third email drops the connection; the fourth and fifth cannot make one: three in a row, then the run stops.
    assert MAIL_DOWN_AFTER == 3
    assert EVENTS[3:] == ["dropped", "close", "refused to connect", "refused to connect"]
    assert (EVENTS.count("open"), EVENTS.count("close")) == (1, 1)
    assert ReminderLog.objects.count() == 2 and "the other 2 emails of the run are left" in caplog.text
    server["down_after"] = None  # back: the next run sends the other five, on one connection
    EVENTS.clear()
    assert run(day(2)) == {"on_due": 5}
    assert (EVENTS.count("open"), EVENTS.count("close"), _sent()) == (1, 1, 5)


def test_the_connection_is_closed_when_the_run_fails_part_way(ward, server, run, mailoutbox, monkeypatch):
    sending = reminder_sending.messages_send

    def fails_on_the_third(batch, **kwargs):
        if _sent() == 2:
            raise RuntimeError("the database went away")
        return sending(batch, **kwargs)

    monkeypatch.setattr(reminder_sending, "messages_send", fails_on_the_third)
    with pytest.raises(RuntimeError):
        run(day(1))
    assert (EVENTS[0], _sent(), EVENTS[-1], len(EVENTS)) == ("open", 2, "close", 4)


def test_a_server_that_fails_to_say_goodbye_changes_nothing_sent(ward, server, run, mailoutbox, caplog):
    server["quit_fails"] = True
    assert run(day(1)) == {"on_due": 7}
    assert ReminderLog.objects.count() == 7 and EVENTS[-1] == "close"
    assert "did not close the reminder run's connection cleanly" in caplog.text
