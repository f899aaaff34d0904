"""E-learning completions as an import: compliance.completions plans them; applying appends them to the ledger a
chunk at a time, each chunk in its own transaction under the ledger's lock, with the status of the people and
requirements it touched refreshed in that transaction. A quiz submission or attestation waits for one chunk at most,
never for the whole file. The chain stays whole (every chunk links to the head it found), and the idempotency keys
make a re-run after a failure record only what is missing."""

import datetime
import time

from django.db import connection, transaction
from django.utils import timezone

from .. import ledger, projection
from ..completions import CompletionPlan, plan_completions
from ..models import EvidenceEntry, ImportBatch
from .base import Importer, Progress

# Each chunk is one transaction holding the ledger's lock: the longest a submission waits while a large file applies.
# Its size follows the time the last chunk took, aiming at CHUNK_SECONDS whatever the database and the machine's load
# (docs/benchmarks.md). A chunk grows at most by half on the last one, so one that ran fast while the machine was
# quiet is not followed by one far too long when it gets busy again. Tests fix CHUNK_ROWS to see the chunks.
CHUNK_SECONDS = 0.3
GROWTH = 1.5
FIRST_CHUNK, SMALLEST_CHUNK, LARGEST_CHUNK = 200, 20, 2000
CHUNK_ROWS: int | None = None
# SQLite has no queue of waiting writers: each polls (its busy timeout sleeps up to 100 ms between tries), so an import
# that started its next chunk at once could take the lock again and again before a submission's next try. A pause
# longer than that poll lets it in. PostgreSQL grants a row lock to the waiters in turn, so needs none.
SQLITE_PAUSE_SECONDS = 0.12


def apply(batch: ImportBatch, plan: CompletionPlan, progress: Progress) -> dict:
    """Record the plan's completions in chunks. Rows are taken person by person (then course, then date), so each
    chunk touches few people and the status refresh that goes with it stays small. A re-run's plan holds only what
    earlier runs did not record; the count goes on from theirs."""
    rows = sorted(plan.to_record, key=lambda r: (r.staff_id, r.requirement_id, r.completed_on, r.line))
    done = earlier = batch.rows_done if batch.rows_done < batch.rows_total else 0
    total = done + len(rows)
    progress.update(done, total)
    noon = datetime.time(12)
    record_in_chunks(
        [_entry(batch, row, noon) for row in rows],
        during=lambda recorded: progress.update(done + recorded, total),
        after=progress.committed,
    )
    return {**plan.summary, "to_record": total, "already_recorded": plan.already - earlier, "recorded": total}


def record_in_chunks(rows: list[dict], *, during=lambda recorded: None, after=lambda: None) -> None:
    """Append ledger rows (dicts for `ledger.prepare_many`, in person order) a chunk at a time, each chunk in its own
    transaction: the chunk's people locked, their status refreshed, then the chain's head locked only while the
    entries go in. `during(rows so far)` runs in each chunk's transaction, `after()` once it has committed."""
    start, size = 0, CHUNK_ROWS or FIRST_CHUNK
    while start < len(rows):
        chunk = rows[start : start + size]
        with transaction.atomic():
            people = {row["staff_id"] for row in chunk}
            ledger.people_lock(people)  # first, so that the time below is the chunk's own, not its wait for others
            began = time.perf_counter()
            entries = ledger.prepare_many(chunk)
            requirements = {row["requirement_id"] for row in chunk}
            projection.refresh(staff_ids=people, requirement_ids=requirements, pending=entries)
            during(start + len(chunk))
            ledger.seal(entries)  # last: the head is locked only while the entries go in
        after()
        took = max(time.perf_counter() - began, 0.001)  # the people locked, the commit included
        start += len(chunk)
        if connection.vendor == "sqlite" and start < len(rows):
            time.sleep(SQLITE_PAUSE_SECONDS)
        if not CHUNK_ROWS:
            size = max(SMALLEST_CHUNK, min(LARGEST_CHUNK, int(size * GROWTH), int(size * CHUNK_SECONDS / took)))


def _entry(batch: ImportBatch, row, noon: datetime.time) -> dict:
    return {
        "idempotency_key": row.key,
        "staff_id": row.staff_id,
        "requirement_id": row.requirement_id,
        "source": EvidenceEntry.IMPORT,
        "source_ref": f"import batch {batch.pk} line {row.line}",
        "completed_at": timezone.make_aware(datetime.datetime.combine(row.completed_on, noon)),
        "expires_on": row.expires_on,
        "recorded_by": batch.applied_by,
    }


IMPORTER = Importer(
    kind=ImportBatch.COMPLETIONS,
    title="Import e-learning completions",
    noun="completions file",
    file_noun="completions file",
    heading="Completions",
    summary="Completed national e-learning courses, from an ESR Compliance and Competency export.",
    help_text="An ESR Compliance and Competency export, as CSV or Excel (.xlsx), smaller than 20 MB",
    max_bytes=20 * 1024 * 1024,
    plan=plan_completions,
    apply=apply,
    audit_name="Completions",
)
