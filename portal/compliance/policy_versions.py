"""What a person must know about a policy since the version they last attested: every version published since,
merged section by section (material if any version changed it materially), with each material reason."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .diff import section_changes, word_diff
from .models import PolicySnapshot, ReattestationRound, Requirement, RequirementStatus


@dataclass
class SectionSince:
    number: str
    heading: str
    kind: str  # added, changed or removed, comparing the attested version with the latest
    material: bool
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (version label, reason) of each material change
    diff: list[tuple[str, str]] = field(default_factory=list)


def snapshots_since(
    previous: PolicySnapshot, latest: PolicySnapshot, published: list[PolicySnapshot] | None = None
) -> list[PolicySnapshot]:
    """The versions published after `previous`, up to and including `latest`, oldest first. `published`: the
    policy's versions already read (oldest first, from `previous` or before), to take them from instead of a query."""
    if published is not None:
        return [s for s in published if _older(previous, s) and not _older(latest, s)]
    after = Q(created_at__gt=previous.created_at) | Q(created_at=previous.created_at, pk__gt=previous.pk)
    upto = Q(created_at__lt=latest.created_at) | Q(created_at=latest.created_at, pk__lte=latest.pk)
    return list(PolicySnapshot.objects.filter(after, upto, page_id=latest.page_id).order_by("created_at", "pk"))


def policy_changes_since(
    previous: PolicySnapshot, latest: PolicySnapshot, published: list[PolicySnapshot] | None = None
) -> list[SectionSince]:
    """Each section that differs between `previous` and `latest`, material sections first (then in clause order).
    A section is material when any version between changed it materially; a version published before answers
    were asked section by section counts whole (its `material` flag and reason apply to each section it changed).
    `published` as `snapshots_since`."""
    versions = snapshots_since(previous, latest, published)
    material: dict[str, list[tuple[str, str]]] = {}
    older = previous
    for snapshot in versions:
        if snapshot.changes:
            for change in snapshot.material_changes():
                material.setdefault(change["number"], []).append((snapshot.version_label, change["reason"]))
        elif snapshot.material:
            for number in (c.number for c in section_changes(older.sections, snapshot.sections)):
                material.setdefault(number, []).append((snapshot.version_label, snapshot.change_reason))
        older = snapshot
    result = [
        SectionSince(
            number=change.number,
            heading=change.heading,
            kind=change.kind,
            material=change.number in material,
            reasons=material.get(change.number, []),
            diff=word_diff(change.old_text, change.new_text),
        )
        for change in section_changes(previous.sections, latest.sections)
    ]
    return sorted(result, key=lambda section: not section.material)  # stable: clause order within each group


def material_since(
    previous: PolicySnapshot | None, latest: PolicySnapshot, published: list[PolicySnapshot] | None = None
) -> list[SectionSince]:
    """The materially changed sections a person must re-attest for; none when they never attested. `published` as
    `snapshots_since`."""
    if previous is None or previous.pk == latest.pk:
        return []
    return [section for section in policy_changes_since(previous, latest, published) if section.material]


@dataclass
class PolicyChangeNotice:
    """Why a person must attest again: the policy changed on `changed_on` in `sections`; re-attest by `deadline`."""

    requirement_id: int
    title: str
    version_label: str
    changed_on: datetime.date
    sections: list[SectionSince]
    deadline: datetime.date | None
    module: str = ""  # the requirement's name, for a module the change reopened (to complete again, not to attest)

    @property
    def section_list(self) -> str:
        return ", ".join(f"{s.number} {s.heading}" for s in self.sections)


def policy_change_notices(rows: list[RequirementStatus]) -> dict[int, PolicyChangeNotice]:
    """The notice for each of `rows` (attestation status rows read with their `requirement` and
    `evidence__snapshot`), by the row's pk, for those whose person a material change since their attestation is
    waiting for (none for a row never attested, or attested since): two queries however many rows (the latest round
    in force of each requirement; the versions of each policy published since the oldest version attested by someone
    a round is waiting for), fewer when no row is waiting. What changed between two versions is worked out once,
    however many people attested to the same one. A module status row whose completion a round reopened gets its
    notice too, to complete the module again (`_module_notice`), from the same read of the rounds."""
    attested = [row for row in rows if _attested(row) is not None]
    reopened = [row for row in rows if _module_completed_at(row) is not None]
    if not attested and not reopened:
        return {}
    latest_rounds = _latest_rounds({row.requirement_id for row in attested + reopened})
    waiting = [
        row
        for row in attested
        if row.requirement_id in latest_rounds and _older(_attested(row), latest_rounds[row.requirement_id].snapshot)
    ]
    oldest: dict[int, PolicySnapshot] = {}  # policy page -> the oldest version one of `waiting` attested
    for row in waiting:
        page_id, snapshot = latest_rounds[row.requirement_id].snapshot.page_id, _attested(row)
        if page_id not in oldest or _older(snapshot, oldest[page_id]):
            oldest[page_id] = snapshot
    since = Q(pk__in=[])
    for page_id, snapshot in oldest.items():
        after = Q(created_at__gt=snapshot.created_at) | Q(created_at=snapshot.created_at, pk__gt=snapshot.pk)
        since |= Q(page_id=page_id) & after
    published: dict[int, list[PolicySnapshot]] = defaultdict(list)  # policy page -> those versions, oldest first
    for snapshot in PolicySnapshot.objects.filter(since).order_by("created_at", "pk"):
        published[snapshot.page_id].append(snapshot)
    notices, changes = {}, {}  # changes: (attested pk, latest pk) -> material_since
    for row in waiting:
        latest_round = latest_rounds[row.requirement_id]
        versions = published[latest_round.snapshot.page_id]
        latest, previous = versions[-1], _attested(row)
        if (previous.pk, latest.pk) not in changes:
            changes[(previous.pk, latest.pk)] = material_since(previous, latest, versions)
        notice = _notice(row, latest_round, latest, changes[(previous.pk, latest.pk)])
        if notice is not None:
            notices[row.pk] = notice
    for row in reopened:
        notice = _module_notice(row, latest_rounds.get(row.requirement_id))
        if notice is not None:
            notices[row.pk] = notice
    return notices


def _module_completed_at(row: RequirementStatus) -> datetime.datetime | None:
    """When a module status row's person completed the module (the evidence it holds); None for another kind, or
    never completed."""
    if row.requirement.kind != Requirement.COMPLETE_MODULE or row.evidence is None:
        return None
    return row.evidence.completed_at


def _module_notice(row: RequirementStatus, latest_round: ReattestationRound | None) -> PolicyChangeNotice | None:
    """Why a person who completed a module must complete it again: the material change whose round reopened it,
    when the module was completed before that round opened (`ReattestationRound.outdates`; a later round outdates
    whatever an earlier one does, so the latest says it). Its sections are the ones the version changed materially,
    with their reasons."""
    completed_at = _module_completed_at(row)
    if latest_round is None or not latest_round.outdates(
        kind=Requirement.COMPLETE_MODULE, snapshot_id=None, completed_at=completed_at
    ):
        return None
    snapshot = latest_round.snapshot
    sections = [
        SectionSince(
            number=change["number"],
            heading=change.get("heading", ""),
            kind=change.get("kind", ""),
            material=True,
            reasons=[(snapshot.version_label, change.get("reason", ""))],
        )
        for change in snapshot.material_changes()
    ]
    return PolicyChangeNotice(
        requirement_id=row.requirement_id,
        title=snapshot.title,
        version_label=snapshot.version_label,
        changed_on=timezone.localdate(latest_round.opened_at),
        sections=sections,
        deadline=row.due_on,
        module=row.requirement.name,
    )


def _attested(row: RequirementStatus) -> PolicySnapshot | None:
    """The version an attestation status row's person attested to; None for another kind, or never attested."""
    if row.requirement.kind != Requirement.ATTEST_POLICY or row.evidence is None or not row.evidence.snapshot_id:
        return None
    return row.evidence.snapshot


def _latest_rounds(requirement_ids) -> dict[int, ReattestationRound]:
    """Requirement id -> its latest round in force (with its snapshot). One query."""
    latest_rounds = {}
    rounds = ReattestationRound.objects.in_force().filter(requirement_id__in=requirement_ids)
    for found in rounds.select_related("snapshot").order_by("opened_at", "pk"):
        latest_rounds[found.requirement_id] = found
    return latest_rounds


def _notice(
    row: RequirementStatus, latest_round: ReattestationRound, latest: PolicySnapshot, sections: list[SectionSince]
) -> PolicyChangeNotice | None:
    if not sections:
        return None
    return PolicyChangeNotice(
        requirement_id=row.requirement_id,
        title=latest.title,
        version_label=latest.version_label,
        changed_on=timezone.localdate(latest_round.opened_at),
        sections=sections,
        deadline=row.due_on,
    )


def policy_change_notices_for_staff(staff) -> list[PolicyChangeNotice]:
    """The notices waiting for `staff`, in the order of their attestation rows: three queries however many (the
    person's attestation rows; `policy_change_notices`: the latest round of each, the versions since), fewer when they
    never attested or nothing is waiting."""
    rows = list(
        RequirementStatus.objects.filter(
            staff=staff, requirement__kind=Requirement.ATTEST_POLICY, requirement__active=True
        ).select_related("requirement", "evidence__snapshot")
    )
    notices = policy_change_notices(rows)
    return [notices[row.pk] for row in rows if row.pk in notices]


def _older(a: PolicySnapshot, b: PolicySnapshot) -> bool:
    return (a.created_at, a.pk) < (b.created_at, b.pk)
