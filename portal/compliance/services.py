"""Writes that create evidence. Each records a ledger entry and updates the status projection in one transaction."""

import datetime
import hashlib

from django.db import transaction
from django.utils import timezone

from portal.people.models import StaffMember

from . import ledger, projection
from .models import EvidenceEntry, PolicySnapshot, ReattestationRound, Requirement


class EvidenceError(Exception):
    """The evidence cannot be recorded as asked; the message says why."""


def evidence_record(
    *,
    staff: StaffMember,
    requirement: Requirement,
    source: str,
    source_ref: str,
    idempotency_key: str,
    completed_at: datetime.datetime,
    recorded_by=None,
    snapshot: PolicySnapshot | None = None,
    expires_on: datetime.date | None = None,
) -> tuple[EvidenceEntry, bool]:
    """Record that `staff` completed `requirement`. Recording the same key again records nothing (created False)."""
    if completed_at > timezone.now() + datetime.timedelta(minutes=5):
        raise EvidenceError("A completion cannot be in the future.")
    with transaction.atomic():
        entry, created = ledger.append(
            idempotency_key=idempotency_key,
            staff=staff,
            requirement=requirement,
            source=source,
            source_ref=source_ref,
            completed_at=completed_at,
            recorded_by=recorded_by,
            snapshot=snapshot,
            expires_on=expires_on,
        )
        if created:
            projection.refresh_pair(staff, requirement)
    return entry, created


def evidence_void(*, entry: EvidenceEntry, reason: str, voided_by) -> EvidenceEntry:
    """Correct the record: a new entry that voids `entry`, with the reason and who made it."""
    if not reason.strip():
        raise EvidenceError("Give a reason for the correction.")
    if entry.source == EvidenceEntry.VOID:
        raise EvidenceError("A correction cannot itself be voided; record the fact again instead.")
    with transaction.atomic():
        void, _ = ledger.append(
            idempotency_key=f"void:{entry.pk}",
            staff_id=entry.staff_id,
            requirement_id=entry.requirement_id,
            source=EvidenceEntry.VOID,
            source_ref=f"voids entry #{entry.seq}",
            voids=entry,
            reason=reason.strip(),
            recorded_by=voided_by,
        )
        projection.refresh_pair(entry.staff, entry.requirement)
    return void


def policy_text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def policy_snapshot_create(
    *,
    page,
    version_label: str,
    effective_date: datetime.date,
    title: str,
    sections: list[dict],
    material: bool,
    change_reason: str = "",
    created_by=None,
) -> PolicySnapshot:
    """Freeze a published policy version: its text, section by section, and the hash of that text."""
    text = "\n\n".join(f"{s['number']} {s['heading']}\n{s['text']}".strip() for s in sections)
    return PolicySnapshot.objects.create(
        page=page,
        version_label=version_label,
        effective_date=effective_date,
        title=title,
        text=text,
        sections=sections,
        content_hash=policy_text_hash(text),
        material=material,
        change_reason=change_reason,
        created_by=created_by,
    )


def reattestation_round_open(
    *, snapshot: PolicySnapshot, deadline: datetime.date, reason: str, opened_by=None
) -> list[ReattestationRound]:
    """Open a round for every attestation requirement on this policy, and refresh everyone's status."""
    if deadline <= timezone.localdate():
        raise EvidenceError("The re-attestation deadline must be in the future.")
    rounds = []
    with transaction.atomic():
        for requirement in Requirement.objects.filter(kind=Requirement.ATTEST_POLICY, page_id=snapshot.page_id):
            rounds.append(
                ReattestationRound.objects.create(
                    requirement=requirement, snapshot=snapshot, deadline=deadline, reason=reason, opened_by=opened_by
                )
            )
            projection.refresh(requirement_ids=[requirement.pk])
    return rounds


def attestation_record(*, staff: StaffMember, snapshot: PolicySnapshot, user) -> list[EvidenceEntry]:
    """Record that `staff` has read and understood exactly `snapshot`. Twice on one day records it once."""
    today = timezone.localdate()
    requirements = Requirement.objects.filter(kind=Requirement.ATTEST_POLICY, page_id=snapshot.page_id, active=True)
    entries = []
    with transaction.atomic():
        for requirement in requirements:
            entry, _ = evidence_record(
                staff=staff,
                requirement=requirement,
                source=EvidenceEntry.ATTESTATION,
                source_ref=f"{snapshot.title} version {snapshot.version_label}, text {snapshot.content_hash[:12]}",
                idempotency_key=f"attest:{staff.pk}:{requirement.pk}:{snapshot.pk}:{today.isoformat()}",
                completed_at=timezone.now(),
                recorded_by=user,
                snapshot=snapshot,
            )
            entries.append(entry)
    return entries


def module_completion_evidence(*, user, page_id: int, completion_id: int, completed_at, source_ref: str) -> list:
    """A completed portal module satisfies every requirement that names it (a module or an external course)."""
    staff = StaffMember.objects.filter(user=user).first()
    if staff is None:
        return []
    entries = []
    for requirement in Requirement.objects.filter(page_id=page_id, active=True).exclude(kind=Requirement.ATTEST_POLICY):
        entry, _ = evidence_record(
            staff=staff,
            requirement=requirement,
            source=EvidenceEntry.MODULE,
            source_ref=source_ref,
            idempotency_key=f"module-completion:{completion_id}:{requirement.pk}",
            completed_at=completed_at,
            recorded_by=user,
        )
        entries.append(entry)
    return entries
