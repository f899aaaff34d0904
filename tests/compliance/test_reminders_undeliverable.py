# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A person whose own mailbox refuses every day is escalated all the same. The line manager and HR steps wait for the
person's overdue reminder to have gone; when the mail server refuses the address for good (a 5xx: the mailbox gone, a
typo in ESR) on UNDELIVERABLE_AFTER days, the ladder goes on as if it had gone on the first of them, and the manager and
HR are told plainly that the person could not be emailed, naming the address. A server down is no answer about the
address: nobody is escalated for it. A 4xx (try later) is given more days: test_reminders_person_mailbox_full."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance.models import ReminderLog, ReminderRefusal
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import refused_for_good
from portal.compliance.reminders import UNDELIVERABLE_AFTER
from tests import factories
from tests.compliance.test_reminders import GRACE, HR, NURSES, SAM, START, daily, day, org, reminders, run  # noqa: F401

ANSWER = {"code": 550, "text": b"5.1.1 mailbox unavailable"}


class RefusesSamBackend(LocmemBackend):
    """The server takes everyone's email but Sam's, which it refuses with ANSWER."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if SAM in message.to:
                raise smtplib.SMTPRecipientsRefused({SAM: (ANSWER["code"], ANSWER["text"])})
        return super().send_messages(email_messages)


class DownForSamBackend(LocmemBackend):
    """The server cannot be reached whenever Sam's email is tried (so it is no answer about his address)."""

    def send_messages(self, email_messages):
        if any(SAM in message.to for message in email_messages):
            raise ConnectionRefusedError(111, "Connection refused")
        return super().send_messages(email_messages)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_undeliverable.RefusesSamBackend"
    ANSWER.update(code=550, text=b"5.1.1 mailbox unavailable")


def test_the_manager_and_hr_are_told_when_the_persons_own_email_is_refused(org, run, refusing, mailoutbox):
    assert UNDELIVERABLE_AFTER == 3
    assert daily(run, 0, 40) == {14: [("manager", GRACE)], 28: [("hr", HR)]}  # on the ladder's days, as ever
    # Sam's overdue reminder was tried on days 7, 8 and 9, then left: the ladder had gone on.
    assert ReminderRefusal.objects.filter(stage="after").count() == UNDELIVERABLE_AFTER
    refusal = ReminderRefusal.objects.filter(stage="after").first()
    assert refusal.recipient == SAM and refusal.error == "550 5.1.1 mailbox unavailable"
    assert not ReminderLog.objects.filter(recipient=SAM).exists()  # nothing refused is recorded as sent
    (to_grace,) = [m for m in mailoutbox if m.to == [GRACE] and "overdue" in m.subject]
    assert (
        "We could not email Sam O'Neill at sam@example.nhs.uk: the mail server refused it. Please tell them, and "
        "check the address in ESR." in to_grace.body
    )
    assert "We have reminded Sam by email" not in to_grace.body
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert "We could not email Sam O'Neill at sam@example.nhs.uk: the mail server refused it." in to_hr.body
    assert "Please check the address in ESR. We have told their line manager." in to_hr.body
    assert "We have reminded Sam by email" not in to_hr.body


def reachable_colleague(org):
    """Pat, in Sam's team with Sam's manager and due on Sam's day, whose address the mail server takes: the emails
    that list several people name the refused one against Sam only."""
    pat = factories.make_staff(
        team=org["sam"].team,
        first_name="Pat",
        last_name="Reachable",
        staff_group=NURSES,
        start_date=START,
        line_manager=org["grace"],
    )
    refresh(staff_ids=[pat.pk])
    return pat


def test_the_lists_name_the_address_that_was_refused(org, run, refusing, mailoutbox):
    """HR's and the manager's emails list several people when several are due on one day: the refused address is
    named against the person, and the others read as reminded."""
    reachable_colleague(org)
    daily(run, 0, 28)
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert "These 2 people have not yet completed this training." in to_hr.body
    assert "except where it says the mail server refused their address" in to_hr.body
    assert (
        "Email: sam@example.nhs.uk: the mail server refused it, so we could not remind them. Please check the "
        "address in ESR." in to_hr.body
    )
    assert to_hr.body.count("the mail server refused it") == 1  # not against Pat, who was reminded
    (to_grace,) = [m for m in mailoutbox if m.to == [GRACE] and "overdue" in m.subject]
    assert "We could not email Sam O'Neill at sam@example.nhs.uk" in to_grace.body
    assert "We could not email Pat Reachable" not in to_grace.body  # Grace's list names both
    assert "We have reminded each of them by email, except where it says we could not." in to_grace.body


def test_two_days_refused_then_the_address_mended_sends_the_persons_reminder(org, run, refusing, mailoutbox, settings):
    daily(run, 0, 8)  # refused on days 7 and 8: one short
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert daily(run, 9, 14) == {9: [("after", SAM)]}  # the manager waits a week from when Sam was told
    assert daily(run, 15, 16) == {16: [("manager", GRACE)]}
    (to_grace,) = [m for m in mailoutbox if m.to == [GRACE] and "overdue" in m.subject]
    assert "We have reminded Sam by email." in to_grace.body and "could not email" not in to_grace.body


def test_a_server_down_escalates_nobody(org, run, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_undeliverable.DownForSamBackend"
    assert daily(run, 0, 40) == {}
    assert not ReminderRefusal.objects.exists()  # no answer about the address
    assert [to for to, _ in reminders(mailoutbox)] == []


def test_only_a_5xx_to_the_address_is_a_refusal_for_good():
    assert refused_for_good(smtplib.SMTPRecipientsRefused({SAM: (550, b"no such user")}), SAM) == "550 no such user"
    assert refused_for_good(smtplib.SMTPRecipientsRefused({SAM: (452, b"mailbox full")}), SAM) is None
    assert refused_for_good(smtplib.SMTPDataError(554, b"message refused"), SAM) is None
    assert refused_for_good(smtplib.SMTPServerDisconnected("gone"), SAM) is None
    assert refused_for_good(ConnectionRefusedError(111, "refused"), SAM) is None
