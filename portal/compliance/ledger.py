"""The evidence ledger: append-only, hash-chained facts.

Each entry's hash covers its own content and the previous entry's hash, so changing or removing any row breaks the
chain from that row on; `verify_chain` names the first row that does not match.
"""

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models.sql import InsertQuery
from django.db.transaction import TransactionManagementError
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


def _locked_head() -> tuple[int, str]:
    """Lock the chain's head until the transaction ends; its length and latest hash. One plain statement: the head
    is held from here to the commit, so nothing is built here that could be built before it."""
    if not connection.in_atomic_block:  # outside one, the lock would end with the statement
        raise TransactionManagementError("The chain's head is locked until the commit: lock it in a transaction.")
    table = connection.ops.quote_name(LedgerHead._meta.db_table)  # a constant: no value is written into the SQL
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, head_hash FROM {table} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    if row is None:  # the first append of a new ledger
        LedgerHead.objects.get_or_create(pk=1, defaults={"seq": 0, "head_hash": GENESIS_HASH})
        return _locked_head()
    return row


def _insert_sql(entries: list[EvidenceEntry]) -> tuple[str, list]:
    """The INSERT of `entries`, as Django's bulk_create would write it (each field's value prepared for the
    database by the field), to send in the same round trip as the head's move."""
    query = InsertQuery(EvidenceEntry)
    query.insert_values(EvidenceEntry._meta.concrete_fields, entries)
    [(sql, params)] = query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


# People are locked in stripes (a person's stripe is their id modulo STRIPES): one lock per stripe, so the few
# hundred people of an import chunk take a few hundred locks at most, and two writers wait on each other only when
# their people share a stripe. A whole-organisation refresh takes one lock that excludes them all instead.
STRIPES = 4096
_LOCK_SPACE = 0x1ED6E4  # the first key of PostgreSQL's two-key advisory locks: this ledger's people
_EVERYONE = -1  # the second key of the lock `people_lock` shares and `everyone_lock` holds alone


def people_lock(staff_ids: Iterable[int]) -> None:
    """Hold these people until the transaction ends: whoever reads a person's ledger entries to write their status
    holds this first, so no fact about them is recorded between the read and the write. Other people's appends go on
    meanwhile; the head of the chain is locked only by `seal`, last, and only while the entries go in.

    On PostgreSQL transaction-scoped advisory locks: the organisation's, shared, then one per stripe, in stripe order
    (so two holders of several never wait on each other in a circle). They do not touch the people's rows, so a
    roster update or a foreign key check does not wait for them. On SQLite one transaction writes at a time (they
    begin IMMEDIATE): nothing more is needed."""
    if connection.vendor != "postgresql":
        return
    stripes = sorted({pk % STRIPES for pk in staff_ids})
    if not stripes:
        return
    with connection.cursor() as cursor:
        # The organisation's lock and the first stripe in one round trip (a submission's only stripe), in that order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock_shared(%s, %s), pg_advisory_xact_lock(%s, %s)",
            [_LOCK_SPACE, _EVERYONE, _LOCK_SPACE, stripes[0]],
        )
        for stripe in stripes[1:]:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, stripe])


def everyone_lock() -> None:
    """`people_lock` for every person, as one lock: for a refresh of the whole organisation's status."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, _EVERYONE])


def _next_id() -> tuple[str, list]:
    """The SQL expression for an id not yet in the ledger, and its parameters. PostgreSQL hands ids out from the
    table's sequence; SQLite has one writer at a time (transactions begin IMMEDIATE), so the next id after the
    largest is this transaction's."""
    if connection.vendor == "postgresql":
        return "nextval(pg_get_serial_sequence(%s, 'id'))", [EvidenceEntry._meta.db_table]
    table = connection.ops.quote_name(EvidenceEntry._meta.db_table)  # a constant: no value is written into the SQL
    return f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1", []  # noqa: S608


def _reserve_ids(count: int) -> list[int]:
    """Ids for entries not yet in the ledger, so status rows can name them before `seal` inserts them (the foreign
    key is checked at commit): `count` from the sequence on PostgreSQL, the next `count` after the largest on
    SQLite (`_next_id`)."""
    if count == 0:
        return []
    expression, params = _next_id()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {expression} FROM generate_series(1, %s)", [*params, count])  # noqa: S608
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT {expression}", params)
        (first,) = cursor.fetchone()
    return list(range(first, first + count))


def _recorded_or_reserved(idempotency_key: str) -> tuple[int | None, int]:
    """The id of the entry recorded under `idempotency_key` (None if there is none) and an id for a new entry
    (`_next_id`), in one statement. On PostgreSQL a key already recorded spends a number of the sequence for nothing:
    ids may have gaps, the chain's numbers (`seq`) may not."""
    table = connection.ops.quote_name(EvidenceEntry._meta.db_table)  # a constant: no value is written into the SQL
    expression, params = _next_id()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {table} WHERE idempotency_key = %s), {expression}",  # noqa: S608
            [idempotency_key, *params],
        )
        recorded, reserved = cursor.fetchone()
    return recorded, reserved


def prepare(*, idempotency_key: str, **fields) -> tuple[EvidenceEntry, bool]:
    """The entry already recorded under `idempotency_key` (created False), or a new one with its id but not yet its
    place in the chain (created True), for `seal` to append. Call holding `people_lock` on the entry's person, so
    the same fact submitted twice at once is found here the second time. Whether the key is recorded and the new
    entry's id are one statement: a second for the entry only when the key is already recorded."""
    recorded, reserved = _recorded_or_reserved(idempotency_key)
    if recorded is not None:
        return EvidenceEntry.objects.get(pk=recorded), False
    return EvidenceEntry(id=reserved, idempotency_key=idempotency_key, **fields), True


def prepare_many(rows: list[dict]) -> list[EvidenceEntry]:
    """`prepare` for many rows (each a dict with an `idempotency_key` and the entry's fields): the new entries only,
    a key already in the ledger or repeated in `rows` skipped."""
    keys = [row["idempotency_key"] for row in rows]
    seen = set()
    for start in range(0, len(keys), 5000):
        seen.update(
            EvidenceEntry.objects.filter(idempotency_key__in=keys[start : start + 5000]).values_list(
                "idempotency_key", flat=True
            )
        )
    fresh = []
    for row in rows:
        if row["idempotency_key"] not in seen:
            seen.add(row["idempotency_key"])
            fresh.append(row)
    return [EvidenceEntry(id=pk, **row) for pk, row in zip(_reserve_ids(len(fresh)), fresh, strict=True)]


def _one_trip() -> bool:
    """Whether two statements go in one execute: on PostgreSQL with Django's default client-side binding (psycopg's
    ClientCursor sends them as one query); server-side binding takes one statement at a time."""
    return connection.vendor == "postgresql" and not connection.settings_dict["OPTIONS"].get("server_side_binding")


def seal(entries: list[EvidenceEntry], batch_size: int = 2000) -> None:
    """Append prepared entries to the chain: lock its head, number and hash each entry from the one before, insert
    them and move the head. The head stays locked only for this and the commit that follows, so call it last in the
    transaction, after the status rows are written. Lock every person the transaction records for before its first
    seal: a `people_lock` after it could wait, holding the head, for someone who waits for the head."""
    if not entries:
        return
    seq, prev = _locked_head()
    now = timezone.now()
    for entry in entries:
        seq += 1
        entry.seq, entry.recorded_at, entry.prev_hash = seq, now, prev
        entry.content_hash = prev = entry_hash(entry)
    # Batches no larger than the database takes parameters for (SQLite's limit is the lower).
    size = min(batch_size, connection.ops.bulk_batch_size(EvidenceEntry._meta.concrete_fields, entries))
    *earlier, last = [entries[start : start + size] for start in range(0, len(entries), size)]
    for batch in earlier:
        EvidenceEntry.objects.bulk_create(batch)
    insert, params = _insert_sql(last)
    head = connection.ops.quote_name(LedgerHead._meta.db_table)  # a constant: no value is written into the SQL
    move = f"UPDATE {head} SET seq = %s, head_hash = %s WHERE id = 1"  # noqa: S608
    with connection.cursor() as cursor:
        if _one_trip():
            # The last entries and the head's move in one round trip, the head held one trip less: two statements,
            # not one with a WITH clause, so the head's trigger (`db.py`) sees the entries it must name.
            cursor.execute(f"{insert}; {move}", [*params, seq, prev])
        else:
            cursor.execute(insert, params)
            cursor.execute(move, [seq, prev])


def append(*, idempotency_key: str, **fields) -> tuple[EvidenceEntry, bool]:
    """Append one entry, or return the entry already recorded under `idempotency_key` (created False). Takes the
    person's lock, so ten concurrent identical submissions record one fact. For an entry that changes someone's
    status, use `prepare`, write the status, then `seal`, in one transaction (as `compliance.services` does)."""
    with transaction.atomic():
        people_lock([fields["staff"].pk if "staff" in fields else fields["staff_id"]])
        entry, created = prepare(idempotency_key=idempotency_key, **fields)
        if created:
            seal([entry])
    return entry, created


def append_many(rows: list[dict], batch_size: int = 2000) -> int:
    """Append many entries in one transaction, the keys already in the ledger skipped (so a bulk import is as
    idempotent as single appends). Returns the number of entries written."""
    if not rows:
        return 0
    with transaction.atomic():
        people_lock(row["staff_id"] if "staff_id" in row else row["staff"].pk for row in rows)
        entries = prepare_many(rows)
        seal(entries, batch_size=batch_size)
    return len(entries)


def settle() -> None:
    """Wait until every entry recorded before now can be read. `seal` takes an entry's recorded time once it holds the
    chain's head, and holds the head until its transaction commits: so once this has held the head (and let it go at
    once), no entry recorded before this moment is still to be committed. For readers with a cut-off that is the
    moment someone asked (an evidence pack as things stand): without it, an append sealed just before the cut-off
    but committed just after the reader looked would be missing from what it made, and there when it is checked.
    Call it outside a transaction (the task worker runs tasks outside one): inside one, the head would stay locked,
    and every append wait, until that transaction ended."""
    with transaction.atomic():
        _locked_head()


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
