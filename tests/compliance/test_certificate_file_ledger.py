"""A verified certificate's file is tied to the evidence ledger: the entry HR's verification records hashes the file's
SHA-256, the file view serves only a file that still matches it, and `verify_evidence` checks every verified
certificate's file against its entry. The certificate table and the files are ordinary read-write storage; the
ledger is not."""

import hashlib
import secrets
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance import ledger
from portal.compliance.models import Certificate, EvidenceEntry
from portal.compliance.services import evidence_record
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


def grouped(digest: str) -> str:
    return " ".join(digest[i : i + 16] for i in range(0, 64, 16))


@pytest.fixture
def hr_browser(other_client, hr):
    return factories.sign_in(other_client, hr)


@pytest.fixture
def uploaded(person_client, course):
    """The person's certificate, waiting for HR: a file of its own, so no other test's file shares its name."""
    data = PDF + secrets.token_hex(8).encode()
    assert upload(person_client, course, data, completed=str(timezone.localdate())).status_code == 302
    return Certificate.objects.get()


@pytest.fixture
def verified(hr_browser, uploaded):
    hr_browser.post(reverse("certificates:decide", args=[uploaded.pk]), {"decision": "approve"})
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.APPROVED
    return uploaded


def forge(certificate) -> bytes:
    forged = PDF + b"% forged " + secrets.token_hex(8).encode()
    Path(certificate.file.path).write_bytes(forged)
    return forged


def verify_evidence() -> str:
    out = StringIO()
    call_command("verify_evidence", stdout=out)
    return out.getvalue()


def test_the_verification_hashes_the_files_sha256_into_the_ledger(verified):
    digest = hashlib.sha256(Path(verified.file.path).read_bytes()).hexdigest()
    assert digest == verified.sha256
    entry = verified.evidence
    assert entry.source_ref == f"certificate {verified.pk} verified by Dev Patel, file SHA-256 {grouped(digest)}"
    assert ledger.entry_hash(entry) == entry.content_hash  # the source_ref is part of what the chain hashes


def test_the_verified_file_is_served_while_it_matches(hr_browser, verified):
    response = hr_browser.get(reverse("certificates:file", args=[verified.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(verified.file.path).read_bytes()


def test_a_file_changed_after_verification_is_not_served_and_the_refusal_is_audited(
    person_client, hr_browser, verified
):
    forged = forge(verified)
    response = hr_browser.get(reverse("certificates:file", args=[verified.pk]))
    html = response.content.decode()
    assert response.status_code == 409
    assert forged not in response.content
    assert "The stored file does not match what HR verified" in html
    assert f"ledger entry #{verified.evidence.seq}" in html
    assert grouped(verified.sha256) in html and grouped(hashlib.sha256(forged).hexdigest()) in html
    event = AuditEvent.objects.filter(action=AuditEvent.VIEW_CERTIFICATE, detail__refused=True).get()
    assert event.detail["certificate_id"] == verified.pk and event.actor.display_name == "Dev Patel"
    assert event.detail["expected_sha256"] == verified.sha256
    assert event.detail["found_sha256"] == hashlib.sha256(forged).hexdigest()
    # The person themselves is refused too, and that is audited as well.
    assert person_client.get(reverse("certificates:file", args=[verified.pk])).status_code == 409
    assert AuditEvent.objects.filter(action=AuditEvent.VIEW_CERTIFICATE, detail__refused=True).count() == 2


def test_the_ledger_wins_over_a_rewritten_certificate_row(hr_browser, verified):
    forged = forge(verified)
    Certificate.objects.filter(pk=verified.pk).update(sha256=hashlib.sha256(forged).hexdigest(), size=len(forged))
    assert hr_browser.get(reverse("certificates:file", args=[verified.pk])).status_code == 409
    with pytest.raises(CommandError, match=rf"Certificate {verified.pk} .*does not match ledger entry #"):
        verify_evidence()


def test_a_file_changed_while_waiting_for_hr_is_not_served_and_cannot_be_verified(hr_browser, uploaded):
    forge(uploaded)
    response = hr_browser.get(reverse("certificates:file", args=[uploaded.pk]))
    assert response.status_code == 409 and "does not match the file uploaded" in response.content.decode()
    decided = hr_browser.post(reverse("certificates:decide", args=[uploaded.pk]), {"decision": "approve"}, follow=True)
    assert "The stored file does not match the file uploaded on" in decided.content.decode()
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and not EvidenceEntry.objects.exists()
    # Rejecting it stays possible.
    hr_browser.post(reverse("certificates:decide", args=[uploaded.pk]), {"decision": "reject", "reason": "Changed"})
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.REJECTED


def test_verify_evidence_checks_each_verified_certificates_file(verified):
    assert "1 verified certificate checked: every file matches its ledger entry." in verify_evidence()
    forge(verified)
    with pytest.raises(CommandError) as refused:
        verify_evidence()
    message = str(refused.value)
    assert f"Certificate {verified.pk} (Priya Shah, Safeguarding Children Level 1)" in message
    assert f"the stored file does not match ledger entry #{verified.evidence.seq}" in message
    assert "BROKEN" not in message  # the chain itself is intact: it is the file that changed


def test_verify_evidence_names_a_missing_file(verified):
    Path(verified.file.path).unlink()
    with pytest.raises(CommandError, match=rf"Certificate {verified.pk} .*: the stored file is missing"):
        verify_evidence()


def test_an_entry_recorded_before_the_change_is_checked_against_the_uploads_sha256(
    staff, course, uploaded, hr, hr_browser
):
    """Entries recorded before verifications hashed the file name only the certificate: they are not rewritten, and
    their files are checked against the SHA-256 the upload recorded on the certificate's row."""
    entry, _ = evidence_record(
        staff=staff,
        requirement=course,
        source=EvidenceEntry.CERTIFICATE,
        source_ref=f"certificate {uploaded.pk} verified by Dev Patel",
        idempotency_key=f"certificate:{uploaded.pk}",
        completed_at=timezone.now(),
        recorded_by=hr,
    )
    Certificate.objects.filter(pk=uploaded.pk).update(
        status=Certificate.APPROVED, evidence=entry, reviewed_by=hr, reviewed_at=timezone.now()
    )
    assert "1 verified certificate checked" in verify_evidence()
    forge(uploaded)
    with pytest.raises(CommandError, match=rf"Certificate {uploaded.pk} .*does not match the SHA-256 its upload"):
        verify_evidence()
    response = hr_browser.get(reverse("certificates:file", args=[uploaded.pk]))
    assert response.status_code == 409 and "does not match what HR verified" in response.content.decode()


def test_verify_evidence_names_a_certificate_marked_verified_with_no_ledger_entry(uploaded):
    Certificate.objects.filter(pk=uploaded.pk).update(status=Certificate.APPROVED)
    with pytest.raises(CommandError, match=rf"Certificate {uploaded.pk} .*marked verified, but no ledger entry"):
        verify_evidence()


@pytest.mark.parametrize("change", ["staff", "requirement"])
def test_a_verified_certificate_re_pointed_round_the_portal_is_not_served_and_is_named(
    hr_browser, person_client, verified, staff, change
):
    """A database role moves a verified certificate's row onto someone else (or another requirement): its file is
    not shown as theirs, and `verify_evidence` names the row against the ledger entry that recorded the verification.
    Before, the file view and the check looked only at the file, so the row could carry HR's verification anywhere."""
    other = (
        factories.make_staff(team=staff.team, first_name="Omar", last_name="Other")
        if change == "staff"
        else factories.make_requirement(name="Information Governance", kind="elearning")
    )
    Certificate.objects.filter(pk=verified.pk).update(**{change: other})

    response = hr_browser.get(reverse("certificates:file", args=[verified.pk]))
    page = response.content.decode()
    assert response.status_code == 409 and "The certificate's record has changed" in page
    assert f"Ledger entry #{verified.evidence.seq} records the verification of certificate {verified.pk}" in page
    refusal = AuditEvent.objects.get(action=AuditEvent.VIEW_CERTIFICATE, detail__refused=True)
    assert refusal.detail["certificate_id"] == verified.pk and "row now names" in refusal.detail["problem"]
    with pytest.raises(CommandError) as refused:
        verify_evidence()
    message = str(refused.value)
    assert f"for Priya Shah ({staff.employee_number}), Safeguarding Children Level 1" in message
    now = "Omar Other" if change == "staff" else "Information Governance"
    assert "the certificate's row now names" in message and now in message


def test_the_row_put_back_is_served_again(hr_browser, verified, staff):
    Certificate.objects.filter(pk=verified.pk).update(staff=factories.make_staff(team=staff.team))
    assert hr_browser.get(reverse("certificates:file", args=[verified.pk])).status_code == 409
    Certificate.objects.filter(pk=verified.pk).update(staff=staff)
    assert hr_browser.get(reverse("certificates:file", args=[verified.pk])).status_code == 200
    assert "every file matches its ledger entry" in verify_evidence()
