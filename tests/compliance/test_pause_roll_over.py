"""The daily run moves a person on from a pause that has ended to the next one booked: the status row holds only the
pause in force or the next, so without it the second pause would not show, and reminders would go out, until
something else refreshed the person (portal.compliance.pauses.pauses_roll_over, run by send_reminders_task)."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import pauses, projection, status
from portal.compliance.models import RequirementStatus
from portal.compliance.tasks import send_reminders_task
from portal.people.roles import hr_group
from tests import factories

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY
    TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def booked(db, monkeypatch):
    """Nia's first pause ended three days ago and her second starts today; her row was last refreshed while the first
    was in force, as it would be if nothing has touched her since."""
    hr = factories.make_user(email="hr@example.nhs.uk")
    hr.groups.add(hr_group())
    nia = factories.make_staff(team=factories.make_team("Wards"), first_name="Nia", start_date=days(-400))
    course = factories.make_requirement(name="Fire safety", renewal_months=12, new_starter_days=28)
    projection.refresh()
    for first, last in ((days(-30), days(-3)), (TODAY, days(60))):
        pauses.pause_add(
            staff=nia, requirements=[course], reason_code=pauses.SICKNESS, first_day=first, last_day=last, user=hr
        )
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "localdate", lambda *args: days(-5))
        projection.refresh(staff_ids=[nia.pk])
    return RequirementStatus.objects.get(staff=nia, requirement=course)


def test_a_row_left_on_an_ended_pause_moves_on_to_the_next(booked):
    assert booked.paused_until == days(-3) and booked.state(TODAY) == status.OVERDUE  # stale: the new pause unseen
    assert pauses.pauses_roll_over(TODAY) == 1
    booked.refresh_from_db()
    assert (booked.paused_from, booked.paused_until, booked.state(TODAY)) == (TODAY, days(60), status.PAUSED)
    assert pauses.pauses_roll_over(TODAY) == 0  # nothing more to move on


def test_the_daily_reminder_run_rolls_pauses_over_before_it_reminds(booked, mailoutbox):
    send_reminders_task.enqueue(TODAY.isoformat())
    booked.refresh_from_db()
    assert booked.state(TODAY) == status.PAUSED
    assert not [mail for mail in mailoutbox if "Fire safety" in mail.subject + mail.body]
