"""Whether each policy version is still the text people attested to: `verify_evidence` checks it beside the chain.

A version's title and text are frozen in `PolicySnapshot` with their SHA-256 (by the row's own recipe), and each
attestation's ledger entry names the version by title, number and that hash (`PolicySnapshot.attestation_ref`, its
`source_ref`), which the chain's hash covers: the whole hash since 5 December 2026, its first 12 characters before
(entries are never rewritten, so both are read). The snapshot table is an ordinary one, though: whoever can write the
database could change the text everyone attested to. Such an edit is named either way: one that left the stored hash
no longer matches the text it is kept with, and one that worked the hash out again no longer matches what the
attestations' entries name (to hide it, the chain would have to be rewritten too, which `verify_chain` and the
receipts name). Against the whole hash, that means finding another text with the same SHA-256; against 12 characters
only another whose hash begins the same, which a graphics card finds in hours.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from .models import EvidenceEntry, PolicySnapshot

# How an attestation named its version before the whole hash.
_BEFORE_WHOLE_HASH = re.compile(r", text [0-9a-f]{12}\Z")


@dataclass
class TextsReport:
    versions: int = 0
    attestations: int = 0
    problems: list[str] = field(default_factory=list)


def policy_texts_verify(chunk: int = 5000) -> TextsReport:
    """Check every frozen version's hash against its title and text, and every attestation's entry against the
    version it names. Two queries and a streamed read of the attestations' references; a version changed under
    many attestations is named once, with how many and the first entry."""
    report = TextsReport()
    versions = {snapshot.pk: snapshot for snapshot in PolicySnapshot.objects.order_by("page_id", "created_at", "pk")}
    for snapshot in versions.values():
        report.versions += 1
        if not snapshot.content_hash_matches():
            report.problems.append(
                f"{_named(snapshot)}: its title or text has been changed since it was frozen (they no longer give "
                f"the SHA-256 kept with them, {snapshot.content_hash[:12]}…)."
            )
    # Each version's names, worked out once, not for each of millions of attestations.
    named_as = {pk: (s.attestation_ref, s.attestation_ref_before_whole_hash) for pk, s in versions.items()}
    differing: Counter = Counter()
    first_seq: dict[tuple[int, str], int] = {}
    entries = EvidenceEntry.objects.filter(source=EvidenceEntry.ATTESTATION, snapshot__isnull=False)
    for seq, snapshot_id, named in (
        entries.order_by("seq").values_list("seq", "snapshot_id", "source_ref").iterator(chunk_size=chunk)
    ):
        report.attestations += 1
        if named not in named_as[snapshot_id]:
            differing[(snapshot_id, named)] += 1
            first_seq.setdefault((snapshot_id, named), seq)
    for (snapshot_id, named), count in differing.items():
        snapshot = versions[snapshot_id]
        now = (
            snapshot.attestation_ref_before_whole_hash if _BEFORE_WHOLE_HASH.search(named) else snapshot.attestation_ref
        )
        entries_said = (
            f"ledger entry #{first_seq[(snapshot_id, named)]} records an attestation"
            if count == 1
            else f"{count:,} ledger entries (the first #{first_seq[(snapshot_id, named)]}) record attestations"
        )
        report.problems.append(
            f"{_named(snapshot)}: {entries_said} of “{named}”, but the version now reads “{now}”: "
            "its title, number or text has been changed since it was attested."
        )
    return report


def _named(snapshot: PolicySnapshot) -> str:
    return f"Policy version {snapshot.version_label} of “{snapshot.title}” (frozen #{snapshot.pk})"
