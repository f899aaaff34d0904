"""HR voids a verified certificate's ledger entry: the certificate is withdrawn with HR's reason, which its person
sees on "My certificates", and they may upload a certificate again. The entry and the certificate's record stay."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import status
from portal.compliance.models import Certificate, EvidenceEntry, RequirementStatus
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

# The fixtures of the certificate page tests: the person's staff record, their course, HR, HR's browser.
staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)
REASON = "The certificate names another person"


def state_of(staff, requirement) -> str:
    return RequirementStatus.objects.get(staff=staff, requirement=requirement).state(timezone.localdate())


@pytest.fixture
def hr_browser(other_client, hr):
    return factories.sign_in(other_client, hr)


@pytest.fixture
def verified(person_client, hr_browser, course):
    """The person's certificate, uploaded and verified by HR through their pages."""
    upload(person_client, course, PDF, completed=str(timezone.localdate()))
    certificate = Certificate.objects.get()
    hr_browser.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.APPROVED
    return certificate


def void(hr_browser, entry, reason=REASON):
    return hr_browser.post(reverse("corrections:void", args=[entry.pk]), {"reason": reason})


def test_the_person_sees_the_certificate_withdrawn_with_hrs_reason(person_client, hr_browser, verified):
    assert void(hr_browser, verified.evidence).status_code == 302
    verified.refresh_from_db()
    assert verified.status == Certificate.WITHDRAWN and verified.withdrawn_reason == REASON
    assert verified.evidence.source == EvidenceEntry.CERTIFICATE  # the verification, its entry and who made it stay
    assert verified.reviewed_by is not None and AuditEvent.objects.filter(action=AuditEvent.EVIDENCE_VOIDED).exists()
    page = person_client.get(reverse("certificates:mine")).content.decode()
    assert "Verified" not in page and "nhsuk-tag--green" not in page
    assert '<strong class="nhsuk-tag nhsuk-tag--orange">Withdrawn by HR</strong>' in page
    assert f"HR withdrew its verification on {timezone.localdate():%-d %B %Y}. Reason: {REASON}" in page
    again = reverse("certificates:upload") + f"?requirement={verified.requirement_id}"
    assert f'<a href="{again}">Upload the certificate again' in page


def test_a_withdrawn_certificate_is_not_decided_again(hr_browser, verified):
    void(hr_browser, verified.evidence)
    hr_browser.post(reverse("certificates:decide", args=[verified.pk]), {"decision": "approve"})
    verified.refresh_from_db()
    assert verified.status == Certificate.WITHDRAWN
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.CERTIFICATE).count() == 1


def test_the_person_uploads_it_again_and_hr_verifies_it_afresh(person_client, hr_browser, staff, course, verified):
    void(hr_browser, verified.evidence)
    assert (
        RequirementStatus.objects.get(staff=staff, requirement=course).state(timezone.localdate()) != status.COMPLIANT
    )
    assert upload(person_client, course, PDF, completed=str(timezone.localdate())).status_code == 302
    again = Certificate.objects.get(status=Certificate.PENDING)
    hr_browser.post(reverse("certificates:decide", args=[again.pk]), {"decision": "approve"})
    again.refresh_from_db()
    assert again.status == Certificate.APPROVED and again.evidence != verified.evidence
    assert (
        RequirementStatus.objects.get(staff=staff, requirement=course).state(timezone.localdate()) == status.COMPLIANT
    )


def test_a_second_click_of_void_changes_the_certificate_once(hr_browser, verified):
    void(hr_browser, verified.evidence)
    void(hr_browser, verified.evidence, reason="Another reason")
    verified.refresh_from_db()
    assert verified.withdrawn_reason == REASON


def test_voiding_other_evidence_leaves_the_certificate_verified(hr_browser, staff, course, verified):
    imported = factories.make_completion(staff, course, source_ref="import batch 3 line 41")
    assert void(hr_browser, imported).status_code == 302
    verified.refresh_from_db()
    assert verified.status == Certificate.APPROVED and verified.withdrawn_reason == ""


def test_the_completion_certificate_issued_for_it_checks_out_as_withdrawn_not_unknown(
    person_client, hr_browser, verified
):
    """The person downloaded a completion certificate for the verified course before HR withdrew the verification:
    whoever holds it is told it was issued and withdrawn, not that no certificate has its code."""
    response = person_client.get(reverse("reports:certificate_pdf", args=[verified.evidence.pk]))
    code = response["Content-Disposition"].split("certificate-")[1].removesuffix('.pdf"')
    void(hr_browser, verified.evidence)

    page = Client().get(reverse("reports:verify", args=[code]))
    html = page.content.decode()
    assert page.status_code == 200 and "This certificate has been withdrawn" in html
    assert "No certificate matches" not in html and REASON not in html
