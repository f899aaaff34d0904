"""A person may have at most five certificates for one course waiting for HR. Each needs its own completion date, so
without a limit one person could fill the private store and HR's queue with a 5 MB file for every day since 1990.
The sixth is refused saying why, nothing stored; once HR has checked one, another can be uploaded. Other courses,
and other people, have their own count."""

import datetime

import pytest

from portal.compliance.certificates import MAX_WAITING, CertificateError, certificate_decide, certificate_upload
from portal.compliance.models import Certificate
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr
LIMIT = "You already have 5 certificates for Safeguarding Children Level 1 waiting for HR to check. Wait for HR"


@pytest.fixture
def five_waiting(person_client, course):
    assert MAX_WAITING == 5
    for day in range(1, 6):
        assert upload(person_client, course, PDF + bytes([day]), completed=f"2026-01-{day:02d}").status_code == 302
    return list(Certificate.objects.order_by("pk"))


def test_a_sixth_certificate_waiting_for_one_course_is_refused(person_client, course, five_waiting):
    response = upload(person_client, course, PDF + b"6", completed="2026-01-06")
    assert LIMIT in response.content.decode() and response.context["form"].errors["file"]
    assert Certificate.objects.count() == 5


def test_once_hr_has_checked_one_another_can_be_uploaded(person_client, course, hr, five_waiting):
    certificate_decide(certificate=five_waiting[0], reviewer=hr, approve=False, reason="Blurred")
    assert upload(person_client, course, PDF + b"6", completed="2026-01-06").status_code == 302
    assert Certificate.objects.filter(status=Certificate.PENDING).count() == 5


def test_another_course_has_its_own_count(person_client, staff, five_waiting):
    other = factories.make_requirement(name="Prevent Level 3", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    assert upload(person_client, other, PDF + b"6", completed="2026-01-06").status_code == 302


def test_the_service_alone_refuses_it_too(staff, course, five_waiting):
    with pytest.raises(CertificateError, match="already have 5 certificates"):
        certificate_upload(
            staff=staff,
            requirement=course,
            data=PDF + b"6",
            filename="c",
            completed_on=datetime.date(2026, 1, 6),
            user=None,
        )
