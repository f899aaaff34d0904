# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A line manager whose mailbox answers every day with a temporary failure (a 4xx to the address: "452 mailbox full",
"450 try again later"): before, the escalation about their person was tried every day for ever, and as HR's stage
waits for the manager's, HR never heard. A 4xx was not recorded against the address, so nothing could count it. Now
each is a ReminderRefusal row (for now, not for good), and a manager whose address has given only temporary failures
on REFUSED_FOR_NOW_AFTER (5) separate days is passed over, as one refused for good on UNDELIVERABLE_AFTER (3) is: HR's
escalation goes on its usual day and says the manager's mailbox did not take email. Five, not three: a 4xx says "try
later", and mail servers themselves keep trying a 4xx for four or five days before giving up (RFC 5321 4.5.4.1);
still well within the fortnight between the manager's stage and HR's, so HR is told on its day."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance.models import ReminderRefusal
from tests.compliance.test_reminders import GRACE, HR, SAM, daily, org, run  # noqa: F401

DAYS = 5  # separate days of temporary failures before the manager is passed over
ANSWER = [452, b"4.2.2 mailbox full"]
TRIED = []  # the subjects of the emails to Grace the server did not take


class GraceMailboxFullBackend(LocmemBackend):
    """The server takes everyone's email but Grace's, which it answers with ANSWER while FULL is set."""

    full = True

    def send_messages(self, email_messages):
        for message in email_messages:
            if GRACE in message.to and GraceMailboxFullBackend.full:
                TRIED.append(message.subject)
                raise smtplib.SMTPRecipientsRefused({GRACE: tuple(ANSWER)})
        return super().send_messages(email_messages)


@pytest.fixture
def mailbox_full(settings):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_manager_mailbox_full.GraceMailboxFullBackend"
    GraceMailboxFullBackend.full = True
    TRIED.clear()
    yield GraceMailboxFullBackend
    GraceMailboxFullBackend.full = True


def _escalations_tried():
    return [subject for subject in TRIED if "is overdue with" in subject]


def test_hr_hears_on_its_day_when_the_managers_mailbox_is_full_every_day(org, run, mailbox_full, mailoutbox):
    assert daily(run, 0, 40) == {0: [("on_due", SAM)], 7: [("after", SAM)], 28: [("hr", HR)]}
    assert len(_escalations_tried()) == DAYS  # days 14 to 18, then she was passed over
    refusals = ReminderRefusal.objects.filter(stage="manager")
    assert refusals.count() == DAYS
    assert {(row.recipient, row.for_good, row.error) for row in refusals} == {(GRACE, False, "452 4.2.2 mailbox full")}
    (to_hr,) = [message for message in mailoutbox if message.to == [HR]]
    assert (
        "Line manager: Grace Okafor (grace@example.nhs.uk): the mail server did not take email for this address on "
        f"any of the {DAYS} days we tried (it said to try later: a full mailbox, say), so the escalation did not "
        "reach them" in to_hr.body
    ), to_hr.body
    assert (
        f"We could not tell their line manager: their mailbox did not take our email on any of the {DAYS} days we "
        "tried. Please tell them yourself, and that their mailbox is not taking email." in to_hr.body
    ), to_hr.body
    assert "refused" not in to_hr.body  # it was not refused for good: nothing to mend in ESR


def test_a_manager_whose_mailbox_was_full_on_fewer_days_is_told_and_not_passed_over(org, run, mailbox_full):
    assert daily(run, 0, 14 + DAYS - 2) == {0: [("on_due", SAM)], 7: [("after", SAM)]}
    mailbox_full.full = False  # emptied
    assert daily(run, 14 + DAYS - 1, 40) == {14 + DAYS - 1: [("manager", GRACE)], 14 + DAYS - 1 + 14: [("hr", HR)]}
    assert len(_escalations_tried()) == DAYS - 1


def test_a_server_down_is_no_failure_of_the_mailbox_and_the_manager_is_tried_again(org, run, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_manager_mailbox_full.DownForGraceBackend"
    TRIED.clear()
    assert daily(run, 0, 30) == {0: [("on_due", SAM)], 7: [("after", SAM)]}
    assert len(_escalations_tried()) == 17  # days 14 to 30, each day: a server down says nothing of her mailbox
    assert not ReminderRefusal.objects.exists()


class DownForGraceBackend(LocmemBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            if GRACE in message.to:
                TRIED.append(message.subject)
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)
