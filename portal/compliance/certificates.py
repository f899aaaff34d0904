"""Certificates people upload for external courses, and HR's verification of them."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.lib.text import hidden_character, shown_safely
from portal.people.models import StaffMember

from . import ledger
from .completions import EARLIEST_COMPLETION
from .models import Certificate, EvidenceEntry, Requirement
from .services import evidence_record

MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
]


class CertificateError(Exception):
    """Why a certificate cannot be accepted or decided, in words for the person; `field` names the upload form's
    field the message belongs beside (the file, the course or the completion date)."""

    def __init__(self, message: str, field: str = "file"):
        super().__init__(message)
        self.field = field


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the file's first bytes; never from its name or the browser's say-so."""
    for signature, content_type, extension in SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    return None


def certificate_upload(
    *, staff: StaffMember, requirement: Requirement, data: bytes, filename: str, completed_on: datetime.date, user
) -> Certificate:
    if requirement.kind != Requirement.EXTERNAL_COURSE:
        raise CertificateError("Certificates can only be uploaded for external courses.", field="requirement")
    if not data:
        raise CertificateError("The selected file is empty")
    if len(data) > MAX_BYTES:
        raise CertificateError("The selected file must be smaller than 5 MB")
    kind = sniff(data)
    if kind is None:
        raise CertificateError("The selected file must be a PDF, PNG or JPEG")
    if completed_on > timezone.localdate():
        raise CertificateError("The date you completed the course must be today or in the past", field="completed_on")
    if completed_on < EARLIEST_COMPLETION:
        raise CertificateError(
            f"The date you completed the course must be on or after {EARLIEST_COMPLETION:%-d %B %Y}",
            field="completed_on",
        )
    content_type, extension = kind
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        # The person's lock, as the ledger's writers take it: two uploads at once (two tabs, a double click) check
        # for a copy one after the other, so the second sees the first. A unique constraint could not be added to a
        # database already holding copies uploaded before this check; `certificate_decide` refuses to verify those.
        ledger.people_lock([staff.pk])
        copy = _standing_copy(staff=staff, requirement=requirement, sha256=digest, completed_on=completed_on)
        if copy is not None:
            same_file = copy.sha256 == digest
            raise CertificateError(_copy_uploaded(copy, same_file=same_file), "file" if same_file else "completed_on")
        certificate = Certificate(
            staff=staff,
            requirement=requirement,
            original_name=shown_safely(filename)[:255],
            content_type=content_type,
            size=len(data),
            sha256=digest,
            completed_on=completed_on,
            uploaded_by=user,
        )
        certificate.file.save(f"{digest[:16]}.{extension}", ContentFile(data), save=False)
        certificate.save()
    return certificate


def _standing_copy(*, staff, requirement, sha256: str, completed_on: datetime.date, other_than=None):
    """The person's certificate for this course, waiting for HR or verified, that another would repeat: the same
    file, or the same completion date (one completion is one fact, whichever scan of it), the same file first."""
    copies = Certificate.objects.filter(staff=staff, requirement=requirement, status__in=Certificate.STANDING)
    copies = copies.filter(Q(sha256=sha256) | Q(completed_on=completed_on)).select_related("requirement")
    if other_than is not None:
        copies = copies.exclude(pk=other_than.pk)
    return min(copies, key=lambda copy: (copy.sha256 != sha256, copy.uploaded_at), default=None)


def _copy_uploaded(copy: Certificate, *, same_file: bool) -> str:
    """Why an upload is refused, for the person: what is already there and where it stands. (The upload form puts
    an error naming the file on the file field, any other on the completion date.)"""
    uploaded = f"{timezone.localdate(copy.uploaded_at):%-d %B %Y}"
    if copy.status == Certificate.APPROVED:
        standing = f"HR verified it on {timezone.localdate(copy.reviewed_at):%-d %B %Y}."
    else:
        standing = "it is waiting for HR to check it."
    if same_file:
        return f"You have already uploaded this file on {uploaded}; {standing}"
    advice = "" if copy.status == Certificate.APPROVED else " If that one is wrong, ask HR to reject it first."
    return (
        f"You have already uploaded a certificate for {copy.requirement.name} completed on "
        f"{copy.completed_on:%-d %B %Y} ({copy.original_name}, on {uploaded}); {standing}{advice}"
    )


def certificate_decide(*, certificate: Certificate, reviewer, approve: bool, reason: str = "") -> Certificate:
    """HR approves (a ledger entry) or rejects (with a reason the person sees). A certificate is decided once."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != Certificate.PENDING:
            raise CertificateError(f"This certificate was already {certificate.get_status_display().lower()}.")
        if certificate.staff.user_id == reviewer.pk:
            raise CertificateError("You cannot verify your own certificate. Ask another member of HR.")
        if not approve and not reason.strip():
            raise CertificateError("Give the reason for rejecting the certificate")
        problem = hidden_character(reason, line_breaks=True)
        if not approve and problem:
            raise CertificateError(f"The reason for rejecting the certificate contains {problem}")
        if approve:
            ledger.people_lock([certificate.staff_id])  # as `certificate_upload` takes it, before the check
            _refuse_verifying_a_copy(certificate)
        certificate.reviewed_by = reviewer
        certificate.reviewed_at = timezone.now()
        if approve:
            completed_at = timezone.make_aware(datetime.datetime.combine(certificate.completed_on, datetime.time(12)))
            certificate.evidence, _ = evidence_record(
                staff=certificate.staff,
                requirement=certificate.requirement,
                source=EvidenceEntry.CERTIFICATE,
                source_ref=f"certificate {certificate.pk} verified by {reviewer.display_name}",
                idempotency_key=f"certificate:{certificate.pk}",
                completed_at=completed_at,
                recorded_by=reviewer,
            )
            certificate.status = Certificate.APPROVED
        else:
            certificate.status = Certificate.REJECTED
            certificate.rejection_reason = reason.strip()
        certificate.save()
    return certificate


def _refuse_verifying_a_copy(certificate: Certificate) -> None:
    """A copy uploaded before uploads were checked for copies may still be waiting: verifying it would record one
    completion twice."""
    copy = _standing_copy(
        staff=certificate.staff,
        requirement=certificate.requirement,
        sha256=certificate.sha256,
        completed_on=certificate.completed_on,
        other_than=certificate,
    )
    if copy is None or copy.status != Certificate.APPROVED:
        return
    verified = f"{timezone.localdate(copy.reviewed_at):%-d %B %Y}"
    same = (
        "the same file"
        if copy.sha256 == certificate.sha256
        else f"the same completion date, {copy.completed_on:%-d %B %Y}"
    )
    raise CertificateError(f"This certificate is a copy of one HR verified on {verified} ({same}). Reject it instead.")


def certificate_withdraw(*, evidence: EvidenceEntry, void: EvidenceEntry) -> None:
    """The certificate whose verification recorded `evidence`, if any, is withdrawn with the reason of `void`, the
    entry voiding it: its person sees why and may upload a certificate again. The verification (who, when, the
    entry) stays on the row. `evidence_void` calls this in its transaction, holding the person's lock."""
    Certificate.objects.filter(evidence=evidence, status=Certificate.APPROVED).update(
        status=Certificate.WITHDRAWN, withdrawn_at=void.recorded_at, withdrawn_reason=void.reason
    )
