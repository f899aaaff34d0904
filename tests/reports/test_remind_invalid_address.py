# ruff: noqa: F811 (smtp_server is the fixture imported from tests.smtp_server)
"""A reminder by hand to someone whose work email on record is not an address. Django's SMTP backend cannot read it
and raises ValueError before the mail server sees anything: before, that was a server error for the manager pressing
'Send a reminder', and the person's claim stayed, so the day's reminder counted as sent. Now nothing is sent or
recorded and the page names whom it could not remind, and why; with everyone overdue, the others are reminded."""

import pytest
from django.urls import reverse

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.people.models import StaffMember
from tests import factories
from tests.reports.conftest import client_for
from tests.smtp_server import smtp_server  # noqa: F401

URL = reverse("reports:team_remind")
BAD = "sam@@example.nhs.uk"


def _address(staff, address):
    StaffMember.objects.filter(pk=staff.pk).update(work_email=address)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        (BAD, f"who has no valid work email address on record ({BAD} is not one)"),
        ("sam at example", "who has no valid work email address on record (sam at example is not one)"),
        ("   ", "who has no work email address on record"),
    ],
)
def test_one_person_whose_address_is_not_one_is_named_with_why(org, smtp_server, address, why):
    _address(org["sam"], address)
    response = client_for(org["manager"]).post(URL, {"staff": org["sam"].pk}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Not sent to Sam Digital, {why}: ask HR to add it to the roster." in page, page
    assert smtp_server == [] and not ReminderLog.objects.exists()


def test_everyone_overdue_are_reminded_but_those_whose_address_is_not_one_who_are_named(org, smtp_server):
    for first in ("Ola", "Pat"):
        extra = factories.make_staff(team=org["digital"], first_name=first, last_name="Overdue")
        refresh(staff_ids=[extra.pk])
    _address(org["sam"], BAD)
    _address(StaffMember.objects.get(first_name="Pat"), "")
    page = client_for(org["manager"]).post(URL, {}, follow=True).content.decode()
    assert "Reminder sent to Ola Overdue." in page
    assert (
        f"Not sent to Pat Overdue, who has no work email address on record; Sam Digital, who has no valid work email "
        f"address on record ({BAD} is not one): ask HR to add them to the roster."
    ) in page, page
    assert [recipients for recipients, _ in smtp_server] == [[StaffMember.objects.get(first_name="Ola").work_email]]
    assert list(ReminderLog.objects.values_list("staff__first_name", flat=True)) == ["Ola"]
