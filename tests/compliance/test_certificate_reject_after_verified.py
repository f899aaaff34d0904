"""An HR officer who rejects a certificate a colleague (or they) verified while their queue was open is told, beside
'Nothing was changed', how to undo the verification if it should not count: void its ledger entry from the person's
page, which withdraws the certificate and tells the person the reason. Before, the refusal ended there, and the
queue no longer listed the certificate, so the officer who had a reason to reject it was left with no way on."""

from django.core import mail

from portal.compliance.models import Certificate, EvidenceEntry
from tests.compliance import test_certificate_decided_once, test_certificates
from tests.compliance.test_certificate_decided_once import decide

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr
uploaded, dev, ann = (
    test_certificate_decided_once.uploaded,
    test_certificate_decided_once.dev,
    test_certificate_decided_once.ann,
)


def test_rejecting_a_verified_certificate_says_how_to_withdraw_it(dev, ann, staff, uploaded):
    decide(dev, uploaded, decision="approve")
    entry = EvidenceEntry.objects.get()

    page = decide(ann, uploaded, decision="reject", reason="The name on it is not theirs")

    assert "Nothing was changed. If it should not count, void the entry for Safeguarding Children Level 1" in page
    assert (
        f"(ledger entry #{entry.seq}) from {staff.full_name}&#x27;s page, giving your reason: that withdraws the "
        "verification and tells them why."
    ) in page
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.APPROVED and mail.outbox == []


def test_a_second_verify_or_a_rejected_one_is_not_told_to_void(dev, ann, uploaded):
    decide(dev, uploaded, decision="approve")
    assert "If it should not count" not in decide(ann, uploaded, decision="approve")
    rejected = Certificate.objects.create(
        staff=uploaded.staff,
        requirement=uploaded.requirement,
        file=uploaded.file.name,
        original_name="other.pdf",
        content_type="application/pdf",
        size=uploaded.size,
        sha256="0" * 64,
        completed_on=uploaded.completed_on.replace(day=1),
        status=Certificate.REJECTED,
        rejection_reason="Blurred",
    )
    assert "If it should not count" not in decide(ann, rejected, decision="reject", reason="Blurred")
