"""A manager's "remind" for someone whose reminder today was claimed and never confirmed sent: the request that
claimed it died before the mail server took the email (a worker killed, a machine restarted), or is still sending it.
The claim is taken over only after CLAIM_LEFT_AFTER, so that a live sender (a double click, say) is not doubled; until
then, the page said "Not sent again to 1 person reminded earlier today", and nobody may have been reminded. It now says
that a reminder was started and is not yet confirmed, and when pressing again will send it; a reminder that went is
still "reminded earlier today", and one pressed again after the hour goes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance import reminder_sending
from portal.compliance.models import ReminderLog
from portal.compliance.reminder_sending import CLAIM_LEFT_AFTER
from portal.compliance.reminders import reminder_by_hand
from tests.reports.conftest import client_for

URL = reverse("reports:team_remind")
UNCONFIRMED = (
    "Not sent again to Sam Digital: a reminder to them was started less than an hour ago and the email server has not "
    "confirmed it yet. If it has not arrived, press Remind again an hour after it was started, and it will be sent."
)


@pytest.fixture
def noon(monkeypatch):
    """The clock at noon today, London time, and `later` after it: far from midnight, whatever the hour of the run.
    Sign in after setting it: a session made at the real hour expires by the moved clock (ten hours after it), so a
    client signed in before it was sent to sign in when the run was before 2 a.m."""
    london = timezone.get_default_timezone()

    def _at(later: datetime.timedelta = datetime.timedelta(0)) -> datetime.date:
        today = timezone.localdate()
        moment = datetime.datetime.combine(today, datetime.time(12, 0), tzinfo=london) + later
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return today

    return _at


def _claimed_and_never_sent(org, today) -> None:
    """Another request's "remind" for Sam claimed the reminder, as `message_send` does, and died before sending."""
    message = reminder_by_hand(org["sam"], sent_by=org["manager"].user, today=today)
    assert isinstance(reminder_sending._claim(message), int)  # its id: claimed now


def test_a_reminder_claimed_and_not_confirmed_is_not_said_to_have_reminded_them(org, noon, mailoutbox):
    _claimed_and_never_sent(org, noon())
    noon(datetime.timedelta(minutes=20))
    client = client_for(org["manager"])
    page = client.post(URL, {"staff": org["sam"].pk}, follow=True).content.decode()
    assert "reminded earlier today" not in page
    assert UNCONFIRMED in page, page
    assert mailoutbox == [] and ReminderLog.objects.get().sent_at is None  # a live sender's would not be doubled


def test_pressed_again_after_the_hour_the_reminder_claimed_and_never_sent_goes(org, noon, mailoutbox):
    _claimed_and_never_sent(org, noon())
    noon(CLAIM_LEFT_AFTER + datetime.timedelta(minutes=1))
    client = client_for(org["manager"])
    page = client.post(URL, {"staff": org["sam"].pk}, follow=True).content.decode()
    assert "Reminder sent to Sam Digital." in page
    assert [email.to for email in mailoutbox] == [[org["sam"].work_email]]
    assert ReminderLog.objects.get().sent_at is not None


def test_a_reminder_that_went_is_still_said_to_have_reminded_them(org, noon, mailoutbox):
    noon()
    client = client_for(org["manager"])
    client.post(URL, {"staff": org["sam"].pk})
    noon(datetime.timedelta(minutes=20))
    page = client.post(URL, {"staff": org["sam"].pk}, follow=True).content.decode()
    assert "Not sent again to 1 person reminded earlier today." in page
    assert "not confirmed" not in page and len(mailoutbox) == 1
