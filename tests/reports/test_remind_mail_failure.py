"""A manager's "remind" when the mail server does not take the email: the page says it was not sent (it said "Not sent
again to 1 person reminded earlier today", and the manager believed it had gone), nothing is recorded or audited as
sent, and pressing again sends it once the server is back. For everyone overdue, a server that cannot be reached is
tried once, not once for each person."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from tests import factories
from tests.reports.conftest import client_for

URL = reverse("reports:team_remind")
ATTEMPTS = []


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        ATTEMPTS.extend(email_messages)
        raise smtplib.SMTPRecipientsRefused({email_messages[0].to[0]: (550, b"5.1.1 mailbox unavailable")})


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        ATTEMPTS.extend(email_messages)
        raise TimeoutError("timed out")


def test_a_reminder_the_server_refuses_is_said_not_sent_and_can_be_sent_again(org, settings, mailoutbox):
    ATTEMPTS.clear()
    settings.EMAIL_BACKEND = "tests.reports.test_remind_mail_failure.RefusingBackend"
    client = client_for(org["manager"])
    page = client.post(URL, {"staff": org["sam"].pk}, follow=True).content.decode()
    assert "The reminder to 1 person could not be sent: the email server did not take it. Try again later." in page
    assert "reminded earlier today" not in page and "Reminder sent" not in page
    assert len(ATTEMPTS) == 1 and not ReminderLog.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.REMIND).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = client.post(URL, {"staff": org["sam"].pk}, follow=True).content.decode()
    assert "Reminder sent to Sam Digital." in page
    assert [email.to for email in mailoutbox] == [[org["sam"].work_email]]


def test_reminding_everyone_overdue_tries_a_server_that_is_down_once(org, settings, mailoutbox):
    ATTEMPTS.clear()
    for first in ("Ola", "Pat", "Ria"):
        extra = factories.make_staff(team=org["digital"], first_name=first, last_name="Overdue")
        refresh(staff_ids=[extra.pk])
    settings.EMAIL_BACKEND = "tests.reports.test_remind_mail_failure.DownBackend"
    page = client_for(org["manager"]).post(URL, {}, follow=True).content.decode()
    assert "The reminder to 4 people could not be sent" in page
    assert len(ATTEMPTS) == 1 and not ReminderLog.objects.exists() and mailoutbox == []
