"""When the daily run finds nobody in the HR group who can still sign in (the last HR officer left, their account
closed), it says so where the people running the server will see it: on the command's stderr, which cron mails, and
in the worker's log. Escalations to HR would otherwise go to nobody without a word."""

import datetime
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.compliance.reminder_recipients import hr_officers_in_post
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories

pytestmark = pytest.mark.django_db


def _run() -> str:
    err = StringIO()
    call_command("send_reminders", stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def hana():
    officer = factories.make_staff(first_name="Hana", last_name="Rees")
    officer.user.groups.add(hr_group())
    return officer


def test_an_hr_officer_in_post_means_no_warning(hana, caplog):
    with caplog.at_level(logging.WARNING):
        assert _run() == ""
    assert "nobody in the HR group" not in caplog.text
    assert hr_officers_in_post(timezone.localdate()) == 1


# Days before the run's day: today is read in each test, as the run reads it, not once when the file is imported
# (a run that went past midnight read yesterday's date for both cases, and both failed).
@pytest.mark.parametrize("left_days_ago, warned", [(1, True), (0, False)])
def test_the_last_hr_officer_leaving_is_told_on_stderr_and_in_the_log(hana, caplog, left_days_ago, warned):
    today = timezone.localdate()
    StaffMember.objects.filter(pk=hana.pk).update(leave_date=today - datetime.timedelta(days=left_days_ago))
    with caplog.at_level(logging.WARNING):
        err = _run()
    assert ("nobody in the HR group can sign in" in err) is warned
    assert ("nobody in the HR group can sign in" in caplog.text) is warned
    if warned:
        assert "/hr/roles/" in err and f"{today:%-d %B %Y}" in err


def test_an_administrator_outside_the_staff_list_counts_as_hr(hana):
    StaffMember.objects.filter(pk=hana.pk).update(leave_date=timezone.localdate() - datetime.timedelta(days=1))
    admin = factories.make_user()
    admin.groups.add(hr_group())
    assert hr_officers_in_post(timezone.localdate()) == 1
    assert _run() == ""


def test_a_new_portal_with_only_an_administrator_is_told_to_give_the_hr_role(caplog):
    """Between createsuperuser and /hr/roles/ (docs/setup.md, steps 3 and 6) nobody is in the HR group: the run says
    the role has not been given yet and where to give it, not that every HR officer's account is closed."""
    factories.make_user(email="it.lead@example.nhs.uk", is_superuser=True, is_staff=True)
    with caplog.at_level(logging.WARNING):
        err = _run()
    for told in (err, caplog.text):
        assert "nobody has been given the HR role yet" in told and "/hr/roles/" in told
        assert "every HR officer's account is closed" not in told


def test_once_someone_has_had_the_role_the_warning_is_that_they_left(hana):
    StaffMember.objects.filter(pk=hana.pk).update(leave_date=timezone.localdate() - datetime.timedelta(days=1))
    err = _run()
    assert "every HR officer's account is closed, or they have left" in err
    assert "nobody has been given the HR role yet" not in err
