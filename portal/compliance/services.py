"""Writes that create evidence or change who must do what. Each keeps the ledger, the status projection and the
audit log in step, in one transaction."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q, Subquery
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character
from portal.people.hr_roles import ask_another_hr
from portal.people.models import StaffMember, Team

from . import ledger, projection
from .intervals import audience_ever_ids, requirements_read
from .mappings import competence_mappings_delete_for
from .models import (
    EvidenceEntry,
    PolicySnapshot,
    ReattestationRound,
    Requirement,
    RequirementStatus,
    RoundWithdrawal,
    StatusInterval,
)
from .models.ledger import snapshot_hash
from .policy_versions import material_since
from .requirement_history import requirement_change_record, terms_to_keep
from .requirement_reads import (
    asks_the_account,
    own_scope,
    refuse_a_new_task_on_record,
    requirement_history_refusal,
    requirement_measured_refusal,
    requirement_on_record,
    requirement_terms,
    saved_as,
    status_holders,
    team_codes,
)

# A requirement change or a re-attestation round touching more people than this refreshes their status in the task
# worker, not the request.
REFRESH_IN_BACKGROUND_OVER = 500

# What decides who a requirement applies to and when they are due; a change to anything else touches no one's status.
STANDING_FIELDS = (
    "kind",
    "page",
    "applies_to_everyone",
    "staff_groups",
    "teams",
    "job_title_patterns",
    "level_family",
    "level",
    "renewal_months",
    "new_starter_days",
    "introduced_on",
    "active",
)
# What a requirement's history keeps (`RequirementChange`): a change to any of these adds a row.
HISTORY_FIELDS = ("name", *(field for field in STANDING_FIELDS if field != "page"))
# A change to these in a level family changes what the other levels' evidence is worth.
LEVEL_FIELDS = ("level_family", "level", "renewal_months")


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
                from .certificates import certificate_withdraw  # here: certificates imports this module

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


def policy_snapshot_create(
    *,
    page,
    version_label: str,
    effective_date: datetime.date,
    title: str,
    sections: list[dict],
    material: bool,
    change_reason: str = "",
    changes: list[dict] | None = None,
    created_by=None,
) -> PolicySnapshot:
    """Freeze a published policy version: its title and text, section by section, and the hash of both
    (`PolicySnapshot.TITLE_AND_TEXT`: a version whose title alone changed is another text), with what changed since
    the version before, section by section, as the editor answered (`changes`)."""
    text = "\n\n".join(f"{s['number']} {s['heading']}\n{s['text']}".strip() for s in sections)
    recipe = PolicySnapshot.TITLE_AND_TEXT
    return PolicySnapshot.objects.create(
        page=page,
        version_label=version_label,
        effective_date=effective_date,
        title=title,
        text=text,
        sections=sections,
        content_hash=snapshot_hash(title=title, text=text, recipe=recipe),
        hash_recipe=recipe,
        material=material,
        change_reason=change_reason,
        changes=changes or [],
        created_by=created_by,
    )


def reattestation_round_open(
    *,
    snapshot: PolicySnapshot,
    deadline: datetime.date,
    reason: str,
    opened_by=None,
    module_page_ids: Iterable[int] = (),
) -> list[ReattestationRound]:
    """Open a round for every attestation requirement on this policy and, when the editor chose to reopen them,
    every module requirement naming one of `module_page_ids` (modules teaching a materially changed section: whoever
    completed one before the round opened completes it again by `deadline`). Everyone's status on each requirement
    is refreshed as `requirement_save` does it: in this transaction for a few people, in the task worker once the
    rounds are committed for many, so a publish does not hold every submission back while the whole organisation's
    status is recomputed."""
    if deadline <= timezone.localdate():
        raise EvidenceError("The re-attestation deadline must be in the future.")
    requirements = Requirement.objects.filter(
        Q(kind=Requirement.ATTEST_POLICY, page_id=snapshot.page_id)
        | Q(kind=Requirement.COMPLETE_MODULE, page_id__in=list(module_page_ids))
    )
    rounds = []
    not_asked_again = versions_saying_the_same(snapshot)
    with transaction.atomic():
        for requirement in requirements:
            rounds.append(
                ReattestationRound.objects.create(
                    requirement=requirement,
                    snapshot=snapshot,
                    deadline=deadline,
                    reason=reason,
                    opened_by=opened_by,
                    not_asked_again=not_asked_again if requirement.kind == Requirement.ATTEST_POLICY else [],
                )
            )
            # A round changes when its holders are due, never who is required: those with a row or a run on it.
            _status_refresh(requirement, status_holders(requirement))
    return rounds


def versions_saying_the_same(snapshot: PolicySnapshot) -> list[int]:
    """The earlier versions of `snapshot`'s policy that it changes in no section materially (`material_since`): one
    whose text it brings back, or changes only in minor ways since. Whoever attested one of them has attested what
    `snapshot` asks. One query and a comparison per version, once per publish."""
    versions = PolicySnapshot.objects.filter(page_id=snapshot.page_id, created_at__lte=snapshot.created_at)
    earlier = [
        v for v in versions.order_by("created_at", "pk") if (v.created_at, v.pk) < (snapshot.created_at, snapshot.pk)
    ]
    published = [*earlier, snapshot]
    return [version.pk for version in earlier if not material_since(version, snapshot, published)]


class RoundError(Exception):
    """The re-attestation round cannot be withdrawn as asked; the message says why."""


def reattestation_round_withdraw(*, round_: ReattestationRound, reason: str, user, request=None) -> RoundWithdrawal:
    """Withdraw a round opened in error (a change marked material by mistake, a wrong deadline), before or after its
    deadline: from now on it asks nothing of anyone. The reverse of `reattestation_round_open`: a withdrawal row (the
    round itself is kept as it was opened), then everyone's status on its requirement, rows and runs in effective
    time, refreshed the same way (in this transaction for a few people, in the task worker for many), and a line in
    the audit log, in one transaction. No evidence is touched: the attestations and completions made for the round
    stay in the ledger and count as any other. A round already withdrawn is refused, naming when and by whom."""
    reason = reason.strip()
    if not reason:
        raise RoundError("Give the reason for withdrawing the round.")
    problem = hidden_character(reason, line_breaks=True)
    if problem:
        raise RoundError(f"The reason contains {problem}. Type it again without it.")
    with transaction.atomic():
        # The round's row, locked, tells two HR officers withdrawing it at once apart (the one-to-one refuses the
        # second on SQLite, which does not lock rows).
        rounds = ReattestationRound.objects.select_for_update(of=("self",)).select_related("requirement", "snapshot")
        round_ = rounds.get(pk=round_.pk)
        _refuse_withdrawn(round_)
        try:
            with transaction.atomic():
                withdrawal = RoundWithdrawal.objects.create(
                    round=round_, withdrawn_at=timezone.now(), withdrawn_by=user, reason=reason
                )
        except IntegrityError:
            _refuse_withdrawn(round_)
            raise
        requirement = round_.requirement
        people = status_holders(requirement)
        in_background = _status_refresh(requirement, people)
        # Allowed, as a change to the requirement is, but said (`own_scope`): the round asked them too
        asked = ": withdrawn by someone it asks" if asks_the_account(requirement, user) else ""
        audit_record(
            actor=user,
            action=AuditEvent.ROUND_WITHDRAWN,
            scope=f"{requirement.name}: re-attest to {round_.snapshot.title} version {round_.snapshot.version_label}"
            + asked,
            request=request,
            round_id=round_.pk,
            requirement_id=requirement.pk,
            snapshot_id=round_.snapshot_id,
            opened_at=round_.opened_at.isoformat(),
            deadline=round_.deadline.isoformat(),
            reason=reason,
            people=len(people),
            in_background=in_background,
        )
    return withdrawal


def _refuse_withdrawn(round_: ReattestationRound) -> None:
    withdrawal = RoundWithdrawal.objects.filter(round=round_).select_related("withdrawn_by").first()
    if withdrawal is not None:
        by = getattr(withdrawal.withdrawn_by, "display_name", "") or getattr(withdrawal.withdrawn_by, "email", "")
        raise RoundError(
            f"This round was already withdrawn on {timezone.localtime(withdrawal.withdrawn_at):%-d %B %Y at %H:%M}"
            f"{f' by {by}' if by else ''}. Nothing more was recorded."
        )


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


SAVED_SINCE_OPENED = (
    "Someone saved this requirement after you opened this page, so saving it would undo their change. Nothing was "
    "saved: open the requirement again to see what they changed, then make your change."
)


class RequirementError(Exception):
    """The requirement cannot be changed as asked; the message says why."""


def requirement_save(
    *, requirement: Requirement, user, teams: Iterable[Team] | None = None, opened_as: str | None = None
) -> dict:
    """Add `requirement` (unsaved) or save the changes made to it, with the teams it applies to (None leaves its
    teams as they are). Everyone the change touches, whom it applied to before or applies to now, has their status
    refreshed: in this transaction for a few people, in the task worker once it commits for many. Records who changed
    what in the audit log, and returns the changes as {field: [before, after]}.

    Retiring (`active` off) needs a reason (`retired_reason`) and stamps the day (`retired_on`): reports as at
    earlier days still count the requirement, live figures no longer do. Putting it back in use clears both. A change
    to a level family refreshes the other levels of the family too (a higher level's evidence satisfies them). What
    people must do (the kind, the page) cannot change once evidence, a certificate or a round names the requirement:
    the refusal (a ValidationError on that field) says to add a new one and retire this one.

    `opened_as`: what the edit page carried of the requirement as saved when it was opened (`saved_as`). Another
    save since (the other door, another tab) refuses this one, a ValidationError saying so, nothing changed: it would
    put back what the page showed. None (a page without it, the retire and reinstate buttons) saves as asked."""
    with transaction.atomic():
        added = requirement.pk is None
        previous = None if added else Requirement.objects.select_for_update().get(pk=requirement.pk)
        if previous is not None and opened_as is not None and opened_as != saved_as(previous):
            raise ValidationError(SAVED_SINCE_OPENED)
        if not requirement.active and (previous is None or previous.active):
            requirement.retired_on = timezone.localdate()
        elif requirement.active:
            requirement.retired_on, requirement.retired_reason = None, ""
        if previous is not None and (previous.kind, previous.page_id) != (requirement.kind, requirement.page_id):
            refuse_a_new_task_on_record(previous, "kind" if previous.kind != requirement.kind else "page")
        requirement.full_clean()
        before = {} if added else requirement_terms(previous)
        asked_before = not added and asks_the_account(previous, user)  # before its teams change below
        codes_before = set() if added else team_codes(previous)
        kept_before = None if added else terms_to_keep(previous)
        requirement.save()
        if teams is not None:
            requirement.teams.set(teams)
        after = requirement_terms(requirement)
        changes = {field: [before.get(field), value] for field, value in after.items() if before.get(field) != value}
        if not added and team_codes(requirement) != codes_before:  # teams are told apart by code, not by name
            changes["teams"] = [before["teams"], after["teams"]]
        if added or any(field in changes for field in HISTORY_FIELDS):
            # Its history, so that a report about an earlier day reads its terms as they stood then.
            team_ids = requirement.teams.values_list("pk", flat=True)
            requirement_change_record(requirement, team_ids=team_ids, before=kept_before)
        touched = set()
        if added or any(field in changes for field in STANDING_FIELDS):
            touched = status_holders(requirement) | audience_ever_ids(requirement)
        in_background = _status_refresh(requirement, touched)
        families = {family for family in (before.get("level_family"), requirement.level_family) if family}
        if families and not added and any(field in changes for field in LEVEL_FIELDS):
            for member in Requirement.objects.filter(level_family__in=families).exclude(pk=requirement.pk):
                in_background |= _status_refresh(member, status_holders(member) | audience_ever_ids(member))
        own = {}
        if asked_before and any(field in changes for field in STANDING_FIELDS):
            own = {"asked_the_actor": [True, asks_the_account(requirement, user)]}
        audit_record(
            actor=user,
            action=AuditEvent.REQUIREMENT_CHANGED,
            scope=own_scope(requirement.name, *own.get("asked_the_actor", [False, False])),
            requirement_id=requirement.pk,
            change="added" if added else "changed",
            fields=changes,
            people=len(touched),
            in_background=in_background,
            **own,
        )
    return changes


def requirement_retire(*, requirement: Requirement, user, reason: str) -> dict:
    """Retire `requirement` from today, with the reason: `requirement_save` with `active` off."""
    requirement.active, requirement.retired_reason = False, reason.strip()
    return requirement_save(requirement=requirement, user=user)


def requirement_reinstate(*, requirement: Requirement, user) -> dict:
    """Put a retired requirement back in use: `requirement_save` with `active` on."""
    requirement.active = True
    return requirement_save(requirement=requirement, user=user)


def requirement_delete(*, requirement: Requirement, user) -> None:
    """Remove a requirement added by mistake, that nobody was ever measured against. One with evidence, a certificate
    or a re-attestation round against it is part of the record and cannot be removed, and so is one an evidence pack
    names, one with reminders sent or figures kept for a past day (`requirement_history_held`), or one anyone has a
    status row or a run on (`requirement_measured_refusal`: what reports about past days read): retire it instead. A
    refusal changes nothing and writes no audit line: the line and the mappings' deletion go back with it."""
    if requirement_on_record(requirement):
        raise RequirementError(
            f"“{requirement}” has evidence recorded against it, so it cannot be deleted: retire it instead by "
            "unticking “Active”. People keep their history, and it stops counting from then on."
        )
    if refusal := requirement_history_refusal(requirement) or requirement_measured_refusal(requirement):
        raise RequirementError(refusal)
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditEvent.REQUIREMENT_CHANGED,
            scope=requirement.name,
            requirement_id=requirement.pk,
            change="deleted",
            fields=requirement_terms(requirement),
            people=0,
            in_background=False,
        )
        competence_mappings_delete_for(requirement=requirement, user=user)
        try:
            requirement.delete()
        except ProtectedError as error:  # an evidence pack filtered to it (reports, which this app cannot import)
            # ... or, since the check, a reminder, a day's figures or someone's status (the task worker's refresh)
            if refusal := requirement_history_refusal(requirement) or requirement_measured_refusal(requirement):
                raise RequirementError(refusal) from error
            packs = sorted(str(record) for record in error.protected_objects)
            what = "an evidence pack" if len(packs) == 1 else f"{len(packs)} evidence packs"
            named = "; ".join(packs[:3]) + ("; ..." if len(packs) > 3 else "")
            raise RequirementError(
                f"“{requirement}” is named by {what} ({named}), so it cannot be deleted: retire it instead "
                "by unticking “Active”. People keep their history, and it stops counting from then on."
            ) from error


def requirement_status_refresh(*, requirement_id: int, chunk: int = 500) -> int:
    """Bring everyone's status on one requirement in step with it (the background half of `requirement_save`), a
    chunk of people at a time, each under the ledger's lock: a submission waits for one chunk at most, and none
    recorded meanwhile is overwritten. Returns the rows written."""
    staff_ids = list(StaffMember.objects.order_by("pk").values_list("pk", flat=True))
    written = 0
    for start in range(0, len(staff_ids), chunk):
        with transaction.atomic():
            _people_hold(staff_ids[start : start + chunk])
            written += projection.refresh(staff_ids=staff_ids[start : start + chunk], requirement_ids=[requirement_id])
    return written


def status_rebuild(*, user, via: str = "") -> dict:
    """Rebuild the status table whole (one row per person and requirement, and its runs in effective time) from the
    ledger and the roster, under the lock every ledger append takes, so that no fact recorded meanwhile is lost; and
    record it in the audit log, in the same transaction. `via` names a door without a user ("the command line
    (manage.py rebuild_status)"). Returns the rows that changed (`changed`) and the rows and runs in all."""
    with transaction.atomic():
        ledger.everyone_lock()  # no fact recorded between reading the ledger and writing the status it gives
        figures = {
            "changed": projection.refresh(),
            "rows": RequirementStatus.objects.count(),
            "runs": StatusInterval.objects.count(),
        }
        audit_record(
            actor=user if getattr(user, "pk", None) else via or "the command line",
            action=AuditEvent.STATUS_REBUILT,
            scope="Everyone's status on every requirement",
            **figures,
        )
    return figures


def _people_hold(staff_ids) -> None:
    """Take the lock every ledger append takes on its person (`ledger.people_lock`), until the transaction ends: no
    completion of theirs can be recorded, and its status row written, between reading the ledger here and writing
    the rows computed from it."""
    ledger.people_lock(staff_ids)


def _status_refresh(requirement: Requirement, staff_ids: set[int]) -> bool:
    """Refresh `staff_ids`' status on `requirement`; True if that was left to the task worker."""
    if not staff_ids:
        return False
    if len(staff_ids) <= REFRESH_IN_BACKGROUND_OVER:
        _people_hold(staff_ids)
        projection.refresh(staff_ids=staff_ids, requirement_ids=[requirement.pk])
        return False
    from .tasks import requirement_status_refresh_task

    # After the commit, so that the worker reads the requirement as saved here.
    transaction.on_commit(lambda: requirement_status_refresh_task.enqueue(requirement.pk))
    return True
