"""tests.mail_down's server that cannot be reached, met by the daily run as the real one is: on its own connection,
held open over the run. Nothing is sent or claimed; the run stops after MAIL_DOWN_AFTER emails in a row and counts
every email not sent, for the next run. Before, the backend had no open(), and the run failed on an AttributeError."""

import datetime

import pytest

from portal.compliance.models import ReminderLog
from portal.compliance.reminder_sending import NOT_SENT_COUNT, reminders_send
from tests.compliance.test_reminders import lists_went_on_monday as lists_went_on_monday
from tests.compliance.test_reminders_done_while_sending import DUE, at, org  # noqa: F401
from tests.mail_down import DOWN

pytestmark = pytest.mark.usefixtures("lists_went_on_monday")  # Monday's list went; not these tests' business


def test_the_daily_run_with_the_mail_server_down_sends_and_claims_nothing(org, monkeypatch, settings):  # noqa: F811
    settings.EMAIL_BACKEND = DOWN
    today = DUE + datetime.timedelta(days=8)  # a Tuesday: Sam's and Ola's own "overdue", an email each
    at(today, monkeypatch)
    assert reminders_send(today) == {NOT_SENT_COUNT: 2}
    assert not ReminderLog.objects.exists()
