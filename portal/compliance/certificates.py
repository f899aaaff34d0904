"""Certificates people upload for external courses, and HR's verification of them."""

import datetime
import hashlib
import re

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.forms import REASON_MAX_LENGTH, typed_length
from portal.lib.text import hidden_character, shown_safely
from portal.people.hr_roles import hr_colleague_can_sign_in
from portal.people.models import StaffMember

from . import ledger
from .certificate_emails import REJECTED, VERIFIED, WITHDRAWN, certificate_decision_send_on_commit
from .certificate_files import FileRefused, file_kind
from .completion_facts import imported_completion
from .completions import EARLIEST_COMPLETION
from .dates import moment_on
from .models import Certificate, EvidenceEntry, Requirement
from .services import evidence_record

MAX_BYTES = 5 * 1024 * 1024
# Certificates one person may have waiting for HR for one course: each needs its own completion date, so without a
# limit one person could fill the private store (and HR's queue) with thousands of 5 MB files, one per day since 1990.
MAX_WAITING = 5


# The end of a verification's `source_ref`: the SHA-256 of the file HR verified, in groups of 16 (so a page or a PDF
# can wrap it). Entries recorded before verifications named the file end without it.
_FILE_SHA256 = re.compile(r", file SHA-256 ((?:[0-9a-f]{16} ){3}[0-9a-f]{16})\Z")
SOURCE_REF_MAX_LENGTH = EvidenceEntry._meta.get_field("source_ref").max_length
CHUNK = 1024 * 1024


class CertificateError(Exception):
    """Why a certificate cannot be accepted or decided, in words for the person; `field` names the upload form's
    field the message belongs beside (the file, the course or the completion date)."""

    def __init__(self, message: str, field: str = "file"):
        super().__init__(message)
        self.field = field


def certificate_upload(
    *, staff: StaffMember, requirement: Requirement, data: bytes, filename: str, completed_on: datetime.date, user
) -> Certificate:
    if requirement.kind != Requirement.EXTERNAL_COURSE:
        raise CertificateError("Certificates can only be uploaded for external courses.", field="requirement")
    if not data:
        raise CertificateError("The selected file is empty")
    if len(data) > MAX_BYTES:
        raise CertificateError("The selected file must be smaller than 5 MB")
    try:
        content_type, extension = file_kind(data)
    except FileRefused as refused:
        raise CertificateError(str(refused)) from None
    if completed_on > timezone.localdate():
        raise CertificateError("The date you completed the course must be today or in the past", field="completed_on")
    if completed_on < EARLIEST_COMPLETION:
        raise CertificateError(
            f"The date you completed the course must be on or after {EARLIEST_COMPLETION:%-d %B %Y}",
            field="completed_on",
        )
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        # The person's lock, as the ledger's writers take it: two uploads at once (two tabs, a double click) check
        # for a copy one after the other, so the second sees the first. A unique constraint could not be added to a
        # database already holding copies uploaded before this check; `certificate_decide` refuses to verify those.
        ledger.people_lock([staff.pk])
        # Read after the lock, as the roster writes it: a completion after the leave date could never be verified
        # (`_refuse_verifying_after_leaving`), so it is not taken into HR's queue.
        leave_date = StaffMember.objects.filter(pk=staff.pk).values_list("leave_date", flat=True).get()
        if leave_date is not None and completed_on > leave_date:
            raise CertificateError(
                f"The date you completed the course must be on or before {leave_date:%-d %B %Y}, the day you left",
                field="completed_on",
            )
        if imported_completion(staff_id=staff.pk, requirement_id=requirement.pk, day=completed_on) is not None:
            raise CertificateError(
                f"Your completion of {requirement.name} on {completed_on:%-d %B %Y} is already recorded, from the "
                "national e-learning records: there is no need to upload a certificate for it.",
                field="completed_on",
            )
        copy = _standing_copy(staff=staff, requirement=requirement, sha256=digest, completed_on=completed_on)
        if copy is not None:
            same_file = copy.sha256 == digest
            raise CertificateError(_copy_uploaded(copy, same_file=same_file), "file" if same_file else "completed_on")
        waiting = Certificate.objects.filter(staff=staff, requirement=requirement, status=Certificate.PENDING).count()
        if waiting >= MAX_WAITING:
            raise CertificateError(
                f"You already have {waiting} certificates for {requirement.name} waiting for HR to check. Wait for "
                "HR to check them before you upload another."
            )
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


def certificate_decide(
    *, certificate: Certificate, reviewer, approve: bool, reason: str = "", request=None
) -> Certificate:
    """HR approves (a ledger entry) or rejects (with a reason the person sees). The person is emailed the decision
    once it is committed, and the decision is a line in the audit log, in the same transaction. A certificate is
    decided once.
    Verifying is refused for a copy of one verified, for a file someone else uploaded too, for a completion the
    national e-learning records gave (the same day), for a requirement retired or no longer applying to the person,
    for a completion after the person's leave date, and for a stored file that is missing or not the one uploaded;
    rejecting is always possible. The entry a verification records names the SHA-256 of the file verified
    (`verification_ref`), so the chain covers the file."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status != Certificate.PENDING:
            raise CertificateError(_decided_already(certificate, reviewer, approve=approve))
        if certificate.staff.user_id == reviewer.pk:
            raise CertificateError(_own_certificate(reviewer))
        if not approve and not reason.strip():
            raise CertificateError("Give the reason for rejecting the certificate")
        if not approve and typed_length(reason.strip()) > REASON_MAX_LENGTH:  # as the queue's box counted it
            raise CertificateError(
                f"The reason for rejecting the certificate must be {REASON_MAX_LENGTH:,} characters or fewer"
            )
        problem = hidden_character(reason, line_breaks=True)
        if not approve and problem:
            raise CertificateError(f"The reason for rejecting the certificate contains {problem}")
        if approve:
            ledger.people_lock([certificate.staff_id])  # as `certificate_upload` takes it, before the checks
            # Read again after the lock, the person (read above, before it) and the requirement: a move out of its
            # audience, or the requirement retired, committed while this waited, is judged as it now is.
            certificate.staff = StaffMember.objects.select_related("team").get(pk=certificate.staff_id)
            _refuse_verifying_a_copy(certificate)
            _refuse_verifying_another_persons_file(certificate)
            _refuse_verifying_what_was_imported(certificate)
            requirement = Requirement.objects.get(pk=certificate.requirement_id)
            _refuse_verifying_what_no_longer_applies(certificate, requirement)
            _refuse_verifying_after_leaving(certificate)
            _refuse_verifying_a_changed_file(certificate)
        certificate.reviewed_by = reviewer
        certificate.reviewed_at = timezone.now()
        if approve:
            completed_at = moment_on(certificate.completed_on)
            certificate.evidence, _ = evidence_record(
                staff=certificate.staff,
                requirement=requirement,
                source=EvidenceEntry.CERTIFICATE,
                source_ref=verification_ref(certificate=certificate, reviewer=reviewer),
                idempotency_key=f"certificate:{certificate.pk}",
                completed_at=completed_at,
                recorded_by=reviewer,
            )
            certificate.status = Certificate.APPROVED
        else:
            certificate.status = Certificate.REJECTED
            certificate.rejection_reason = reason.strip()
        certificate.save()
        _decision_audit(certificate, reviewer, request)
        certificate_decision_send_on_commit(certificate, VERIFIED if approve else REJECTED)
    return certificate


def _decision_audit(certificate: Certificate, reviewer, request) -> None:
    """The decision in the audit log, as voiding evidence is: the certificate's row (its reviewer and reason) is
    read-write data; the log keeps what was decided, by whom, with the reason given."""
    verified = certificate.status == Certificate.APPROVED
    decision = VERIFIED if verified else REJECTED
    outcome = {"entry_seq": certificate.evidence.seq} if verified else {"reason": certificate.rejection_reason}
    audit_record(
        actor=reviewer,
        action=AuditEvent.CERTIFICATE_DECIDED,
        scope=f"{certificate.staff.full_name}: {certificate.requirement.name}: certificate {certificate.pk} {decision}",
        request=request,
        staff_id=certificate.staff_id,
        requirement_id=certificate.requirement_id,
        certificate_id=certificate.pk,
        decision=decision,
        **outcome,
    )


def _own_certificate(reviewer) -> str:
    """Nobody decides their own certificate. An HR officer who is the only one left who can sign in is told the way
    out, rather than to ask a colleague who does not exist: the certificate waits until someone else holds the role."""
    if hr_colleague_can_sign_in(reviewer.pk):
        return "You cannot verify your own certificate. Ask another member of HR."
    return (
        "You cannot verify your own certificate, and you are the only member of HR who can sign in, so it waits "
        "here until someone else can: give a colleague the HR role on the HR roles page and ask them to "
        "check it."
    )


def _decided_already(certificate: Certificate, reviewer, *, approve: bool = True) -> str:
    """For the HR officer whose page was open while a colleague (or their own other tab) decided it: who decided what,
    and when, so they need not wonder whether their click counted. One who meant to reject a certificate verified
    meanwhile is told the way that remains: voiding its entry withdraws it (`certificate_withdraw`)."""
    if certificate.reviewed_by_id is None:
        who = "HR"
    else:
        who = "You" if certificate.reviewed_by_id == reviewer.pk else certificate.reviewed_by.display_name
    decided = {Certificate.APPROVED: "verified", Certificate.REJECTED: "rejected"}.get(certificate.status, "verified")
    done = f"{who} already {decided} this certificate"
    if certificate.reviewed_at is not None:
        when = timezone.localtime(certificate.reviewed_at)
        done += f" at {when:%H:%M} on {when:%-d %B %Y}"
    if certificate.status == Certificate.WITHDRAWN and certificate.withdrawn_at is not None:
        done += f", and HR withdrew the verification on {timezone.localdate(certificate.withdrawn_at):%-d %B %Y}"
    done += ". Nothing was changed."
    if not approve and certificate.status == Certificate.APPROVED and certificate.evidence_id is not None:
        # Named as the person's page lists it (and names its Void button), which shows no ledger numbers.
        entry = certificate.evidence
        recorded = dateformat.format(timezone.localtime(entry.recorded_at), "j M Y")
        named = f"the entry for {certificate.requirement.name} recorded {recorded}"
        done += (
            f" If it should not count, void {named} (ledger entry #{entry.seq}) from "
            f"{certificate.staff.full_name}'s page, giving your reason: that withdraws the verification and tells "
            "them why."
        )
    return done


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


def _refuse_verifying_another_persons_file(certificate: Certificate) -> None:
    """A certificate names one person: the same file, byte for byte, uploaded by someone else too (verified, or
    waiting) proves at most one of them. HR opens both and rejects the one that is not theirs; one rejected no longer
    stands in the way. The same person's other records (a second staff record on one account) are not someone else."""
    others = Certificate.objects.filter(sha256=certificate.sha256, status__in=Certificate.STANDING)
    others = others.exclude(staff_id=certificate.staff_id)
    if certificate.staff.user_id is not None:
        others = others.exclude(staff__user_id=certificate.staff.user_id)
    other = others.select_related("staff", "requirement").order_by("uploaded_at").first()
    if other is None:
        return
    standing = "which HR verified" if other.status == Certificate.APPROVED else "which is waiting for HR too"
    raise CertificateError(
        f"This is the same file, byte for byte, as the certificate {other.staff.full_name} uploaded for "
        f"{other.requirement.name} on {timezone.localdate(other.uploaded_at):%-d %B %Y} (certificate {other.pk}), "
        f"{standing}. A certificate names one person: open both, and reject the one that is not theirs, saying why."
    )


def _refuse_verifying_what_was_imported(certificate: Certificate) -> None:
    """The national e-learning records may have given the same completion (person, course, day) since the upload:
    verifying the certificate would record it twice (`completion_facts`)."""
    day = certificate.completed_on
    entry = imported_completion(staff_id=certificate.staff_id, requirement_id=certificate.requirement_id, day=day)
    if entry is not None:
        raise CertificateError(
            f"The national e-learning records already record {certificate.staff.full_name}'s completion of "
            f"{certificate.requirement.name} on {day:%-d %B %Y} ({entry.source_ref}), so verifying this certificate "
            "would record it twice. Reject it instead, saying why."
        )


def _refuse_verifying_what_no_longer_applies(certificate: Certificate, requirement: Requirement) -> None:
    """The upload offered only requirements the person had; by HR's turn the requirement may be retired, or the
    person may have moved out of its audience: the ledger would then record evidence for nothing they must do."""
    if not requirement.active:
        retired = f" on {requirement.retired_on:%-d %B %Y}" if requirement.retired_on else ""
        raise CertificateError(
            f"{requirement.name} was retired{retired}, so a certificate for it can no longer be verified. "
            "Reject it instead, saying why."
        )
    staff = certificate.staff
    if not requirement.applies_to(staff):
        audience = requirement.audience_described
        raise CertificateError(
            f"{requirement.name} no longer applies to {staff.full_name} (it applies to {audience[0].lower()}"
            f"{audience[1:]}), so the certificate cannot be verified. Reject it instead, saying why."
        )


def _refuse_verifying_after_leaving(certificate: Certificate) -> None:
    """A leaver's certificate for training done while they worked here is verified: it is a fact of their time here,
    for reports as at those days. One completed after their leave date (a roster naming the leave date late, after the
    upload) is not training done here. The leave date is read after the person's lock, as the roster writes it."""
    leave_date = StaffMember.objects.filter(pk=certificate.staff_id).values_list("leave_date", flat=True).get()
    if leave_date is not None and certificate.completed_on > leave_date:
        raise CertificateError(
            f"{certificate.staff.full_name} left on {leave_date:%-d %B %Y}, before the completion date on this "
            f"certificate ({certificate.completed_on:%-d %B %Y}), so it cannot be verified. Reject it instead, "
            "saying why."
        )


def _refuse_verifying_a_changed_file(certificate: Certificate) -> None:
    """HR verifies the file the person uploaded: the one whose SHA-256 the upload recorded. A file replaced or lost in
    storage since is not verified."""
    uploaded = f"{timezone.localdate(certificate.uploaded_at):%-d %B %Y}"
    try:
        found, _ = stored_file(certificate)
    except FileNotFoundError:
        raise CertificateError(
            f"The stored file of this certificate (uploaded on {uploaded}) is missing, so it cannot be verified. "
            f"Reject it instead and ask {certificate.staff.full_name} to upload it again."
        ) from None
    if found != certificate.sha256:
        raise CertificateError(
            f"The stored file does not match the file uploaded on {uploaded} (its SHA-256 has changed), so it "
            f"cannot be verified. Reject it instead and ask {certificate.staff.full_name} to upload it again."
        )


def sha256_grouped(digest: str) -> str:
    """A SHA-256 in groups of 16, as the portal shows one (a page or a PDF can wrap it)."""
    return " ".join(digest[start : start + 16] for start in range(0, len(digest), 16))


def verification_ref(*, certificate: Certificate, reviewer) -> str:
    """The `source_ref` of a verification's ledger entry: the certificate, who verified it, and the SHA-256 of the
    file they verified (the upload's, which `_refuse_verifying_a_changed_file` has just checked). The hash comes last,
    so a long name is cut to fit rather than the hash; `recorded_sha256` reads it back."""
    before = f"certificate {certificate.pk} verified by "
    after = f", file SHA-256 {sha256_grouped(certificate.sha256)}"
    return before + reviewer.display_name[: SOURCE_REF_MAX_LENGTH - len(before) - len(after)] + after


def recorded_sha256(entry: EvidenceEntry) -> str | None:
    """The SHA-256 of the certificate file a verification's entry names; None for an entry recorded before
    verifications named the file."""
    match = _FILE_SHA256.search(entry.source_ref)
    return match.group(1).replace(" ", "") if match else None


def stored_file(certificate: Certificate, *, keep: bool = False) -> tuple[str, bytes | None]:
    """The SHA-256 of the certificate's stored file, a chunk at a time, and with `keep` its bytes, read in the same
    pass (so what is served is what was hashed). Bytes past MAX_BYTES are not kept: no upload was larger, so such a
    file cannot match. Raises FileNotFoundError if it is missing."""
    if not certificate.file.name:
        raise FileNotFoundError("The certificate names no file.")
    digest, kept = hashlib.sha256(), bytearray()
    with certificate.file.storage.open(certificate.file.name, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            if keep and len(kept) <= MAX_BYTES:
                kept += chunk
    return digest.hexdigest(), bytes(kept) if keep else None


def verification_entry(certificate: Certificate) -> EvidenceEntry | None:
    """The ledger entry HR's verification of the certificate recorded, found by its idempotency key (part of the
    entry's hashed content), not by the certificate row's own link to it, which is ordinary read-write data."""
    entries = EvidenceEntry.objects.select_related("staff", "requirement")
    return entries.filter(idempotency_key=f"certificate:{certificate.pk}").first()


class FileChanged(Exception):
    """A certificate's stored file does not match the SHA-256 it must have; `str()` says so in words. `entry` is the
    verification's ledger entry, None for a certificate not verified."""

    def __init__(self, certificate: Certificate, entry: EvidenceEntry | None, expected: str, found: str):
        super().__init__(certificate.pk, expected, found)
        self.certificate, self.entry, self.expected, self.found = certificate, entry, expected, found

    def __str__(self) -> str:
        now = f"the file stored now has SHA-256 {sha256_grouped(self.found)}"
        if self.entry is None:
            uploaded = f"{timezone.localdate(self.certificate.uploaded_at):%-d %B %Y}"
            return (
                f"The stored file does not match the file uploaded on {uploaded}: the upload recorded SHA-256 "
                f"{sha256_grouped(self.expected)}; {now}."
            )
        if recorded_sha256(self.entry) is None:
            return (
                f"The stored file does not match what HR verified: ledger entry #{self.entry.seq} was recorded "
                "before verifications named the file, so the file is checked against the SHA-256 its upload "
                f"recorded, {sha256_grouped(self.expected)}; {now}."
            )
        return (
            f"The stored file does not match what HR verified: ledger entry #{self.entry.seq} recorded its SHA-256 "
            f"as {sha256_grouped(self.expected)}; {now}."
        )


class CertificateMoved(Exception):
    """A verified certificate's row names another person or requirement than the ledger entry recording its
    verification: the row was changed round the portal. `str()` says so in words."""

    def __init__(self, certificate: Certificate, problem: str):
        super().__init__(problem)
        self.certificate = certificate


def moved(certificate: Certificate, entry: EvidenceEntry) -> str | None:
    """Whether the certificate's row still names the person and requirement its verification's ledger entry
    records; if not, what differs, in words."""
    if (certificate.staff_id, certificate.requirement_id) == (entry.staff_id, entry.requirement_id):
        return None
    recorded, now = entry.staff, certificate.staff
    return (
        f"Ledger entry #{entry.seq} records the verification of certificate {certificate.pk} for {recorded.full_name} "
        f"({recorded.employee_number}), {entry.requirement.name}; the certificate's row now names {now.full_name} "
        f"({now.employee_number}), {certificate.requirement.name}."
    )


def certificate_file_read(certificate: Certificate) -> bytes:
    """The certificate's stored file, checked before anyone sees it: against the SHA-256 HR's verification hashed
    into the ledger, or, for a certificate not verified (or verified before entries named the file), the SHA-256 its
    upload recorded; and, once verified, its row against the person and requirement the entry records. Raises
    FileChanged or CertificateMoved on a mismatch, FileNotFoundError if the file is missing."""
    entry = verification_entry(certificate)
    problem = entry and moved(certificate, entry)
    if problem:
        raise CertificateMoved(certificate, problem)
    expected = (entry and recorded_sha256(entry)) or certificate.sha256
    found, data = stored_file(certificate, keep=True)
    if found != expected:
        raise FileChanged(certificate, entry, expected, found)
    return data


def certificate_withdraw(*, evidence: EvidenceEntry, void: EvidenceEntry) -> None:
    """The certificate whose verification recorded `evidence`, if any, is withdrawn with the reason of `void`, the
    entry voiding it: its person sees why, is emailed once it is committed, and may upload a certificate again. The
    verification (who, when, the entry) stays on the row. `evidence_void` calls this in its transaction, holding the
    person's lock, and returns `void`, marked when the email failed (`certificate_emails.decision_email_unsent`)."""
    verified = Certificate.objects.filter(evidence=evidence, status=Certificate.APPROVED)
    for certificate in verified.select_for_update():
        certificate.status = Certificate.WITHDRAWN
        certificate.withdrawn_at, certificate.withdrawn_reason = void.recorded_at, void.reason
        certificate.save(update_fields=["status", "withdrawn_at", "withdrawn_reason"])
        certificate_decision_send_on_commit(certificate, WITHDRAWN, told=void)
