"""A certificate of someone who has left (or is leaving) waits in HR's queue marked so. Training they completed while
they worked here is verified: a fact of their time here, for reports as at those days. A completion dated after
their leave date (the roster often names a leave date late, after the upload) is not training done here: verifying
it is refused, saying why, and rejecting it stays possible."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import Certificate, EvidenceEntry
from portal.people.models import StaffMember
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)


@pytest.fixture
def uploaded(person_client, course):
    assert upload(person_client, course, PDF, completed="2026-01-15").status_code == 302
    return Certificate.objects.get()


@pytest.fixture
def hr_browser(other_client, hr):
    return factories.sign_in(other_client, hr)


def leaves_on(staff, day: datetime.date) -> None:
    StaffMember.objects.filter(pk=staff.pk).update(leave_date=day)


def verify(hr_browser, certificate) -> str:
    url = reverse("certificates:decide", args=[certificate.pk])
    return hr_browser.post(url, {"decision": "approve"}, follow=True).content.decode()


def test_training_done_before_leaving_is_verified_and_the_queue_says_they_left(hr_browser, staff, uploaded):
    leaves_on(staff, datetime.date(2026, 2, 1))
    queue = hr_browser.get(reverse("certificates:queue")).content.decode()
    assert "Left on 1 Feb 2026" in queue
    page = verify(hr_browser, uploaded)
    assert "Priya Shah&#x27;s certificate verified." in page
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.APPROVED
    assert EvidenceEntry.objects.get().completed_at.date() == datetime.date(2026, 1, 15)


def test_someone_leaving_later_is_marked_leaving(hr_browser, staff, uploaded):
    leaves_on(staff, timezone.localdate() + datetime.timedelta(days=30))
    queue = hr_browser.get(reverse("certificates:queue")).content.decode()
    assert "Leaving on " in queue and "Left on " not in queue


def test_a_completion_after_the_leave_date_is_not_verified(hr_browser, staff, uploaded):
    leaves_on(staff, datetime.date(2026, 1, 10))
    page = verify(hr_browser, uploaded)
    assert (
        "Priya Shah left on 10 January 2026, before the completion date on this certificate (15 January 2026), so "
        "it cannot be verified. Reject it instead, saying why." in page
    )
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and not EvidenceEntry.objects.exists()
    url = reverse("certificates:decide", args=[uploaded.pk])
    hr_browser.post(url, {"decision": "reject", "reason": "Completed after leaving"})
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.REJECTED


def test_a_completion_on_the_leave_date_is_verified(hr_browser, staff, uploaded):
    leaves_on(staff, datetime.date(2026, 1, 15))
    verify(hr_browser, uploaded)
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.APPROVED and EvidenceEntry.objects.count() == 1


def test_a_leaver_cannot_upload_a_completion_after_their_leave_date(person_client, staff, course):
    """HR could never verify it, so it is refused at the upload, beside the completion date, and nothing is stored."""
    leaves_on(staff, datetime.date(2026, 2, 1))
    response = upload(person_client, course, PDF, completed="2026-03-01")
    html = response.content.decode()
    message = "The date you completed the course must be on or before 1 February 2026, the day you left"
    assert response.status_code == 200 and html.count(message) == 2  # the summary and beside the date
    assert response.context["form"].errors["completed_on"] and not Certificate.objects.exists()


def test_a_leaver_can_upload_a_completion_on_their_leave_date(person_client, staff, course):
    leaves_on(staff, datetime.date(2026, 2, 1))
    assert upload(person_client, course, PDF, completed="2026-02-01").status_code == 302
    assert Certificate.objects.get().completed_on == datetime.date(2026, 2, 1)
