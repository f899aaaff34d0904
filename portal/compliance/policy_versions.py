"""What a person must know about a policy since the version they last attested: every version published since,
merged section by section (material if any version changed it materially), with each material reason."""

from dataclasses import dataclass, field

from django.db.models import Q

from .diff import section_changes, word_diff
from .models import PolicySnapshot


@dataclass
class SectionSince:
    number: str
    heading: str
    kind: str  # added, changed or removed, comparing the attested version with the latest
    material: bool
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (version label, reason) of each material change
    diff: list[tuple[str, str]] = field(default_factory=list)


def snapshots_since(previous: PolicySnapshot, latest: PolicySnapshot) -> list[PolicySnapshot]:
    """The versions published after `previous`, up to and including `latest`, oldest first."""
    after = Q(created_at__gt=previous.created_at) | Q(created_at=previous.created_at, pk__gt=previous.pk)
    upto = Q(created_at__lt=latest.created_at) | Q(created_at=latest.created_at, pk__lte=latest.pk)
    return list(PolicySnapshot.objects.filter(after, upto, page_id=latest.page_id).order_by("created_at", "pk"))


def policy_changes_since(previous: PolicySnapshot, latest: PolicySnapshot) -> list[SectionSince]:
    """Each section that differs between `previous` and `latest`, material sections first (then in clause order).
    A section is material when any version between changed it materially; a version published before answers
    were asked section by section counts whole (its `material` flag and reason apply to each section it changed)."""
    versions = snapshots_since(previous, latest)
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


def material_since(previous: PolicySnapshot | None, latest: PolicySnapshot) -> list[SectionSince]:
    """The materially changed sections a person must re-attest for; none when they never attested."""
    if previous is None or previous.pk == latest.pk:
        return []
    return [section for section in policy_changes_since(previous, latest) if section.material]
