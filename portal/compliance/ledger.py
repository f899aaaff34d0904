"""The evidence ledger: append-only, hash-chained facts.

Each entry's hash covers its own content and the previous entry's hash, so changing or removing any row breaks the
chain from that row on; `verify_chain` names the first row that does not match.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import EvidenceEntry, LedgerHead

GENESIS_HASH = "0" * 64


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    return value.isoformat()


def entry_content(entry: EvidenceEntry) -> dict:
    return {
        "seq": entry.seq,
        "staff": entry.staff_id,
        "requirement": entry.requirement_id,
        "completed_at": _iso(entry.completed_at),
        "expires_on": _iso(entry.expires_on),
        "recorded_at": _iso(entry.recorded_at),
        "recorded_by": entry.recorded_by_id,
        "source": entry.source,
        "source_ref": entry.source_ref,
        "snapshot": entry.snapshot_id,
        "voids": entry.voids_id,
        "reason": entry.reason,
        "idempotency_key": entry.idempotency_key,
        "prev_hash": entry.prev_hash,
    }


def entry_hash(entry: EvidenceEntry) -> str:
    canonical = json.dumps(entry_content(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _locked_head() -> LedgerHead:
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "head_hash": GENESIS_HASH})
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head


def lock() -> None:
    """Take the lock every append takes, held until the current transaction ends (call inside one)."""
    _locked_head()


def append(*, idempotency_key: str, **fields) -> tuple[EvidenceEntry, bool]:
    """Append one entry, or return the entry already recorded under `idempotency_key` (created False).

    Appends are serialised on the ledger head row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's immediate
    transactions serialise writers), and the key is checked again once the lock is held, so ten concurrent
    identical submissions record one fact. Call inside the transaction that also updates the status projection.
    """
    existing = EvidenceEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing, False
    with transaction.atomic():
        head = _locked_head()
        existing = EvidenceEntry.objects.filter(idempotency_key=idempotency_key).first()
        if existing:
            return existing, False
        entry = EvidenceEntry(
            seq=head.seq + 1,
            idempotency_key=idempotency_key,
            recorded_at=timezone.now(),
            prev_hash=head.head_hash,
            **fields,
        )
        entry.content_hash = entry_hash(entry)
        entry.save(force_insert=True)
        LedgerHead.objects.filter(pk=1).update(seq=entry.seq, head_hash=entry.content_hash)
    return entry, True


def append_many(rows: list[dict], batch_size: int = 2000) -> int:
    """Append many entries under one lock: hashes are chained in Python, rows inserted in batches.

    Each dict holds an `idempotency_key` and the entry's fields. Keys already in the ledger are skipped (checked
    under the lock), so a bulk import is as idempotent as single appends. Returns the number of entries written.
    """
    if not rows:
        return 0
    with transaction.atomic():
        head = _locked_head()
        keys = [row["idempotency_key"] for row in rows]
        existing = set()
        for start in range(0, len(keys), 5000):
            existing.update(
                EvidenceEntry.objects.filter(idempotency_key__in=keys[start : start + 5000]).values_list(
                    "idempotency_key", flat=True
                )
            )
        seq, prev, now = head.seq, head.head_hash, timezone.now()
        pending = []
        for row in rows:
            if row["idempotency_key"] in existing:
                continue
            existing.add(row["idempotency_key"])
            seq += 1
            entry = EvidenceEntry(seq=seq, recorded_at=now, prev_hash=prev, **row)
            entry.content_hash = prev = entry_hash(entry)
            pending.append(entry)
            if len(pending) == batch_size:
                EvidenceEntry.objects.bulk_create(pending)
                pending = []
        EvidenceEntry.objects.bulk_create(pending)
        LedgerHead.objects.filter(pk=1).update(seq=seq, head_hash=prev)
    return seq - head.seq


def head_hash() -> str:
    head = LedgerHead.objects.filter(pk=1).first()
    return head.head_hash if head else GENESIS_HASH


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_seq is None


def verify_chain() -> ChainReport:
    """Walk the chain in order and report the first entry whose content or link does not match."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for entry in EvidenceEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(checked, expected_seq, f"entry #{expected_seq} is missing (next found is #{entry.seq})")
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, entry.seq, f"entry #{entry.seq} does not link to the entry before it")
        if entry_hash(entry) != entry.content_hash:
            return ChainReport(checked, entry.seq, f"entry #{entry.seq} has been changed since it was recorded")
        expected_prev, expected_seq, checked = entry.content_hash, expected_seq + 1, checked + 1
    head = LedgerHead.objects.filter(pk=1).first()
    if head and (head.seq != checked or head.head_hash != expected_prev):
        return ChainReport(checked, checked + 1 if head.seq > checked else checked, "the chain's head does not match")
    return ChainReport(checked)
