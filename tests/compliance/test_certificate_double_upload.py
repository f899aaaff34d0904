"""A certificate uploaded twice (two tabs, a second click, a file sent again) is one certificate and, once HR has
verified it, one ledger entry: the second upload is refused with what is already there and where it stands."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from portal.compliance.certificates import CertificateError, certificate_decide, certificate_upload
from portal.compliance.models import Certificate, EvidenceEntry
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, PNG, upload
from tests.compliance.test_concurrency import _all_at_once

# The fixtures of the certificate page tests: the person's staff record, their course, HR, HR's browser.
staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)
COMPLETED = datetime.date(2026, 1, 15)


@pytest.fixture
def hr_browser(other_client, hr):
    return factories.sign_in(other_client, hr)


def today() -> str:
    return timezone.localdate().strftime("%-d %B %Y")


def approve(hr_browser, certificate):
    return hr_browser.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"})


def test_the_same_file_uploaded_twice_is_one_certificate_and_one_ledger_entry(person_client, hr_browser, course):
    assert upload(person_client, course, PDF).status_code == 302
    again = upload(person_client, course, PDF)
    html = again.content.decode()
    assert again.status_code == 200 and "There is a problem" in html
    assert f"You have already uploaded this file on {today()}; it is waiting for HR to check it." in html
    certificate = Certificate.objects.get()
    approve(hr_browser, certificate)
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.CERTIFICATE).count() == 1
    assert EvidenceEntry.objects.get().idempotency_key == f"certificate:{certificate.pk}"


def test_the_same_file_under_another_name_or_date_is_still_refused(person_client, course):
    upload(person_client, course, PDF)
    html = upload(person_client, course, PDF, name="scan (1).pdf", completed="2026-01-16").content.decode()
    assert f"You have already uploaded this file on {today()}" in html
    assert Certificate.objects.count() == 1


def test_the_same_file_after_hr_verified_it_is_refused(person_client, hr_browser, course):
    upload(person_client, course, PDF)
    approve(hr_browser, Certificate.objects.get())
    html = upload(person_client, course, PDF).content.decode()
    assert f"You have already uploaded this file on {today()}; HR verified it on {today()}." in html
    assert Certificate.objects.count() == 1
    assert EvidenceEntry.objects.count() == 1


def test_another_file_for_the_same_completion_date_is_refused_naming_the_one_there(person_client, course):
    upload(person_client, course, PDF)
    response = upload(person_client, course, PNG, name="photo.png")
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert (
        f"You have already uploaded a certificate for Safeguarding Children Level 1 completed on 15 January 2026 "
        f"(certificate.pdf, on {today()}); it is waiting for HR to check it." in html
    )
    assert Certificate.objects.count() == 1


def test_a_later_completion_with_its_own_file_is_accepted(person_client, course):
    upload(person_client, course, PDF)
    assert upload(person_client, course, PNG, name="renewal.png", completed="2026-03-02").status_code == 302
    assert Certificate.objects.count() == 2


def test_a_rejected_file_can_be_uploaded_again(person_client, hr_browser, course):
    upload(person_client, course, PDF)
    hr_browser.post(
        reverse("certificates:decide", args=[Certificate.objects.get().pk]),
        {"decision": "reject", "reason": "Unreadable"},
    )
    assert upload(person_client, course, PDF).status_code == 302
    assert list(Certificate.objects.values_list("status", flat=True)) == [Certificate.REJECTED, Certificate.PENDING]


def test_hr_cannot_verify_a_second_copy_already_waiting(person, person_client, hr_browser, course):
    """Copies uploaded before uploads were checked for duplicates are still in the queue: verifying the second is
    refused, so it records nothing more."""
    fields = {"staff": person.staff, "requirement": course, "size": len(PDF), "completed_on": COMPLETED}
    first, second = (
        Certificate.objects.create(
            **fields,
            file=ContentFile(PDF, name=name),
            original_name=name,
            content_type="application/pdf",
            sha256=hashlib.sha256(PDF).hexdigest(),
        )
        for name in ("one.pdf", "two.pdf")
    )
    approve(hr_browser, first)
    response = approve(hr_browser, second)
    page = hr_browser.get(response["Location"]).content.decode()
    assert "Priya Shah: This certificate is a copy of one HR verified on" in page
    second.refresh_from_db()
    assert second.status == Certificate.PENDING
    assert EvidenceEntry.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_uploads_of_one_file_make_one_certificate():
    staff = factories.make_staff()
    course = factories.make_requirement()
    refresh(staff_ids=[staff.pk])

    def send():
        return certificate_upload(
            staff=staff, requirement=course, data=PDF, filename="c.pdf", completed_on=COMPLETED, user=staff.user
        )

    results = _all_at_once(send)
    refused = [r for r in results if isinstance(r, CertificateError)]
    assert len(refused) == 9, results
    certificate = Certificate.objects.get()
    reviewer = factories.make_user()
    assert certificate_decide(certificate=certificate, reviewer=reviewer, approve=True).evidence is not None
    assert EvidenceEntry.objects.count() == 1


def test_each_refusal_is_shown_beside_the_field_it_is_about(person_client, course):
    """The same completion date is the date's problem, even when the first file's name has 'file' in it; the same
    file is the file's problem."""
    upload(person_client, course, PDF, name="my file.pdf")
    same_date = upload(person_client, course, PNG, name="photo.png").context["form"]
    assert list(same_date.errors) == ["completed_on"]
    same_file = upload(person_client, course, PDF, name="again.pdf", completed="2026-01-16").context["form"]
    assert list(same_file.errors) == ["file"]
