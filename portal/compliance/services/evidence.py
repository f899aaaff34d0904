"""Recording evidence: a completion (a module, an attestation, any source), and a correction voiding one. Each keeps
the ledger and the person's status (and, for a correction, the audit log) in step, in one transaction."""

import datetime

from django.db import transaction
from django.db.models import Q, Subquery
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character
from portal.people.hr_roles import ask_another_hr
from portal.people.models import StaffMember

from .. import ledger, projection
from ..intervals import requirements_read
from ..models import EvidenceEntry, PolicySnapshot, Requirement


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
    # No savepoint (inside a caller's transaction): nothing here is caught and carried on from, so a failure anywhere
    # undoes the caller's whole transaction, which is what the ledger row, the status and its runs going together
    # need. A caller that catches an error (a double-submitted quiz's completion) holds a savepoint of its own.
    with transaction.atomic(savepoint=False):
        # The person first, the chain's head last: the head is locked only while the entry goes in (`ledger.seal`),
        # so other people's submissions wait for nobody's status refresh.
        ledger.people_lock([staff.pk])
        entry, created = ledger.prepare(
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
            projection.refresh_pair(staff, requirement, pending=[entry])
            ledger.seal([entry])
    return entry, created


def evidence_void(*, entry: EvidenceEntry, reason: str, voided_by, request=None) -> EvidenceEntry:
    """Correct the record: a new entry that voids `entry`, with the reason and who made it; the person's status is
    refreshed and the correction audited in the same transaction. Voiding an entry already voided records nothing
    more and returns the correction already made (a double-submitted form records one). Nobody may void their own
    evidence, as nobody may verify their own certificate. A certificate whose verification recorded `entry` is
    withdrawn, with the reason, in the same transaction."""
    reason = reason.strip()
    if not reason:
        raise EvidenceError("Give a reason for the correction.")
    problem = hidden_character(reason, line_breaks=True)
    if problem:
        raise EvidenceError(f"The reason for the correction contains {problem}. Type it again without it.")
    if entry.source == EvidenceEntry.VOID:
        raise EvidenceError("A correction cannot itself be voided; record the fact again instead.")
    if voided_by is not None and entry.staff.user_id == voided_by.pk:
        raise EvidenceError(ask_another_hr(voided_by.pk, "You cannot void your own evidence", "void it"))
    with transaction.atomic():
        ledger.people_lock([entry.staff_id])
        void, created = ledger.prepare(
            idempotency_key=f"void:{entry.pk}",
            staff_id=entry.staff_id,
            requirement_id=entry.requirement_id,
            source=EvidenceEntry.VOID,
            source_ref=f"voids entry #{entry.seq}",
            voids=entry,
            reason=reason,
            recorded_by=voided_by,
        )
        if created:
            projection.refresh_pair(entry.staff, entry.requirement, pending=[void])
            ledger.seal([void])
            if entry.source == EvidenceEntry.CERTIFICATE:
                from ..certificates import certificate_withdraw  # here: certificates imports this package

                certificate_withdraw(evidence=entry, void=void)
            audit_record(
                actor=voided_by,
                action=AuditEvent.EVIDENCE_VOIDED,
                scope=f"{entry.staff.full_name}: {entry.requirement.name}",
                request=request,
                staff_id=entry.staff_id,
                requirement_id=entry.requirement_id,
                entry_seq=entry.seq,
                void_seq=void.seq,
                reason=reason,
            )
    return void


def attestation_record(*, staff: StaffMember, snapshot: PolicySnapshot, user) -> list[EvidenceEntry]:
    """Record that `staff` has read and understood exactly `snapshot`. Twice on one day records it once."""
    today = timezone.localdate()
    requirements = requirements_read(
        Requirement.objects.filter(kind=Requirement.ATTEST_POLICY, page_id=snapshot.page_id, active=True)
    )
    entries = []
    with transaction.atomic(savepoint=False):  # as `evidence_record`'s: nothing here is caught and carried on from
        for requirement in requirements:
            entry, _ = evidence_record(
                staff=staff,
                requirement=requirement,
                source=EvidenceEntry.ATTESTATION,
                source_ref=snapshot.attestation_ref,
                idempotency_key=f"attest:{staff.pk}:{requirement.pk}:{snapshot.pk}:{today.isoformat()}",
                completed_at=timezone.now(),
                recorded_by=user,
                snapshot=snapshot,
            )
            entries.append(entry)
    return entries


def module_completion_evidence(*, user, page_id: int, completion_id: int, completed_at, source_ref: str) -> list:
    """A completed portal module satisfies every requirement that names it (a module or an external course).

    The requirements come with the person's id (one query; none recorded when no requirement names the module or
    `user` is on no staff list): what the roster holds about them is read under their lock (`refresh_pair`), so
    nothing more of them is read here."""
    naming = (
        # A requirement saved naming an alias of the module, before one in use could not (modules/aliasing.py), counts
        # the module's completions: work on the alias is refused, so nothing else could ever meet it. Same query.
        Requirement.objects.filter(Q(page_id=page_id) | Q(page__alias_of_id=page_id), active=True)
        .exclude(kind=Requirement.ATTEST_POLICY)
        .annotate(staff_pk=Subquery(StaffMember.objects.filter(user=user).values("pk")))  # one at most: one-to-one
    )
    entries = []
    for requirement in requirements_read(naming):  # with their rounds and teams, for the status row
        if requirement.staff_pk is None:
            break  # not on a staff list: no standing to record
        staff = StaffMember(pk=requirement.staff_pk, user_id=user.pk)  # the id: user.staff is not this stand-in
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
