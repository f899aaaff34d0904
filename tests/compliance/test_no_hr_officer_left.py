"""When the daily run finds nobody in the HR group who can still sign in (the last HR officer left, their account
closed), it says so where the people running the server will see it: on the command's stderr, which cron mails, and
in the worker's log. Escalations to HR would otherwise go to nobody without a word."""

import datetime
import logging
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.compliance.reminders import hr_officers_in_post
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


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
    assert hr_officers_in_post(TODAY) == 1


@pytest.mark.parametrize("leaves_on, warned", [(TODAY - datetime.timedelta(days=1), True), (TODAY, False)])
def test_the_last_hr_officer_leaving_is_told_on_stderr_and_in_the_log(hana, caplog, leaves_on, warned):
    StaffMember.objects.filter(pk=hana.pk).update(leave_date=leaves_on)
    with caplog.at_level(logging.WARNING):
        err = _run()
    assert ("nobody in the HR group can sign in" in err) is warned
    assert ("nobody in the HR group can sign in" in caplog.text) is warned
    if warned:
        assert "/hr/roles/" in err and f"{TODAY:%-d %B %Y}" in err


def test_an_administrator_outside_the_staff_list_counts_as_hr(hana):
    StaffMember.objects.filter(pk=hana.pk).update(leave_date=TODAY - datetime.timedelta(days=1))
    admin = factories.make_user()
    admin.groups.add(hr_group())
    assert hr_officers_in_post(TODAY) == 1
    assert _run() == ""
