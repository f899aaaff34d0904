"""The daily run's day is the London calendar day, across the change to British Summer Time: cron at half past
midnight BST on Monday 30 March 2026 is still Sunday in UTC, and a course due on that Monday is "due today" (not "due
by 30 March"), with the date written as people write it. The ladder's days are London days too."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from freezegun import freeze_time

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from tests import factories

DUE = datetime.date(2026, 3, 30)  # the Monday after the clocks went forward (01:00 UTC, Sunday 29 March)
SAM = "sam@example.nhs.uk"


@pytest.fixture
def sam(db):
    reverse("reports:my_training")  # the URLconf loads before the clock stops
    team = factories.make_team("Ward 7")
    sam = factories.make_staff(
        team=team,
        first_name="Sam",
        last_name="Shah",
        start_date=DUE - datetime.timedelta(days=28),
        user=factories.make_user(email=SAM),
    )
    factories.make_requirement(name="Fire Safety")
    refresh()
    return sam


def _send_reminders(utc: str) -> str:
    out = StringIO()
    with freeze_time(utc):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def test_half_past_midnight_bst_is_the_london_day(sam, mailoutbox):
    assert sam.statuses.get().due_on == DUE
    output = _send_reminders("2026-03-29T23:30:00Z")  # 00:30 BST on Monday 30 March
    assert "Reminders for 30 March 2026: 1 sent." in output
    (email,) = mailoutbox
    assert email.to == [SAM] and email.subject == "Fire Safety is due today"
    assert "You need to complete Fire Safety today, Monday 30 March 2026." in email.body
    log = ReminderLog.objects.get()
    assert (log.stage, log.due_on) == ("on_due", DUE)


def test_the_evening_before_in_bst_is_still_the_day_before(sam, mailoutbox):
    _send_reminders("2026-03-29T22:30:00Z")  # 23:30 BST on Sunday 29 March: a day to go
    assert [m.subject for m in mailoutbox] == ["Reminder: Fire Safety is due by 30 March 2026"]
    _send_reminders("2026-03-29T23:30:00Z")  # an hour later it is Monday in London
    assert [m.subject for m in mailoutbox][1:] == ["Fire Safety is due today"]
    _send_reminders("2026-03-30T22:59:00Z")  # 23:59 BST, still Monday: nothing more
    assert len(mailoutbox) == 2
