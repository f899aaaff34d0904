"""HR's verification checks the requirement again: the upload offered only requirements the person had, but by HR's
turn the requirement may have been retired or the person moved out of its audience. Verifying is then refused with
the reason and the advice to reject it; rejecting stays possible, and nothing is recorded in the ledger."""

import secrets

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance import services
from portal.compliance.certificates import CertificateError, certificate_decide
from portal.compliance.models import Certificate, EvidenceEntry
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

# The fixtures of the certificate page tests: HR and HR's browser.
hr, other_client = test_certificates.hr, test_certificates.other_client


@pytest.fixture
def wards(db):
    return factories.make_team("Wards")


@pytest.fixture
def staff(person, wards):
    return factories.make_staff(user=person, team=wards)


@pytest.fixture
def course(staff, wards):
    """An external course for the wards only."""
    requirement = factories.make_requirement(
        name="Safeguarding Children Level 3", renewal_months=36, applies_to_everyone=False
    )
    requirement.teams.set([wards])
    refresh(staff_ids=[staff.pk])
    return requirement


@pytest.fixture
def uploaded(person_client, course):
    data = PDF + secrets.token_hex(8).encode()
    assert upload(person_client, course, data, completed=str(timezone.localdate())).status_code == 302
    return Certificate.objects.get()


def test_a_certificate_for_a_requirement_retired_since_is_not_verified(other_client, hr, course, uploaded):
    services.requirement_retire(requirement=course, user=hr, reason="Replaced by Level 2")
    factories.sign_in(other_client, hr)
    response = other_client.post(
        reverse("certificates:decide", args=[uploaded.pk]), {"decision": "approve"}, follow=True
    )
    html = response.content.decode()
    assert (
        f"Safeguarding Children Level 3 was retired on {timezone.localdate():%-d %B %Y}, so a certificate for it "
        "can no longer be verified. Reject it instead, saying why." in html
    )
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and not EvidenceEntry.objects.exists()
    other_client.post(reverse("certificates:decide", args=[uploaded.pk]), {"decision": "reject", "reason": "Retired"})
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.REJECTED and not EvidenceEntry.objects.exists()


def test_a_certificate_of_someone_who_left_the_audience_is_not_verified(hr, staff, course, uploaded):
    staff.team = factories.make_team("Payroll")
    staff.save()
    refresh(staff_ids=[staff.pk])
    with pytest.raises(CertificateError) as refused:
        certificate_decide(certificate=uploaded, reviewer=hr, approve=True)
    assert str(refused.value) == (
        "Safeguarding Children Level 3 no longer applies to Priya Shah (it applies to teams (and the teams below "
        "them): Wards), so the certificate cannot be verified. Reject it instead, saying why."
    )
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and not EvidenceEntry.objects.exists()
    certificate_decide(certificate=uploaded, reviewer=hr, approve=False, reason="Moved to Payroll")
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.REJECTED


def test_a_certificate_still_in_the_audience_is_verified(hr, course, uploaded):
    certificate_decide(certificate=uploaded, reviewer=hr, approve=True)
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.APPROVED and uploaded.evidence.requirement == course
