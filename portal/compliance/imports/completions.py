"""E-learning completions as an import: compliance.completions plans them; applying appends them to the ledger a
chunk at a time, each chunk in its own transaction under the ledger's lock, with the status of the people and
requirements it touched refreshed in that transaction. A quiz submission or attestation waits for one chunk at most,
never for the whole file. The chain stays whole (every chunk links to the head it found), and the idempotency keys
make a re-run after a failure record only what is missing."""

import datetime

from django.db import transaction
from django.utils import timezone

from .. import ledger, projection
from ..completions import CompletionPlan, plan_completions
from ..models import EvidenceEntry, ImportBatch
from .base import Importer, Progress

# Rows per transaction. About 0.3 s of work each on the development machine (docs/benchmarks.md): the longest a
# submission waits for the lock while a large file applies.
CHUNK_ROWS = 500


def apply(batch: ImportBatch, plan: CompletionPlan, progress: Progress) -> dict:
    """Record the plan's completions in chunks. Rows are taken person by person (then course, then date), so each
    chunk touches few people and the status refresh that goes with it stays small. A re-run's plan holds only what
    earlier runs did not record; the count goes on from theirs."""
    rows = sorted(plan.to_record, key=lambda r: (r.staff_id, r.requirement_id, r.completed_on, r.line))
    done = earlier = batch.rows_done if batch.rows_done < batch.rows_total else 0
    total = done + len(rows)
    progress.update(done, total)
    noon = datetime.time(12)
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        with transaction.atomic():
            ledger.append_many(
                [
                    {
                        "idempotency_key": row.key,
                        "staff_id": row.staff_id,
                        "requirement_id": row.requirement_id,
                        "source": EvidenceEntry.IMPORT,
                        "source_ref": f"import batch {batch.pk} line {row.line}",
                        "completed_at": timezone.make_aware(datetime.datetime.combine(row.completed_on, noon)),
                        "expires_on": row.expires_on,
                        "recorded_by": batch.applied_by,
                    }
                    for row in chunk
                ]
            )
            projection.refresh(
                staff_ids={row.staff_id for row in chunk}, requirement_ids={row.requirement_id for row in chunk}
            )
            done += len(chunk)
            progress.update(done, total)
        progress.committed()
    return {**plan.summary, "to_record": total, "already_recorded": plan.already - earlier, "recorded": total}


IMPORTER = Importer(
    kind=ImportBatch.COMPLETIONS,
    title="Import e-learning completions",
    noun="completions file",
    file_noun="completions file",
    heading="Completions",
    summary="Completed national e-learning courses, from an ESR Compliance and Competency export.",
    help_text="An ESR Compliance and Competency export saved as CSV, smaller than 20 MB",
    max_bytes=20 * 1024 * 1024,
    plan=plan_completions,
    apply=apply,
    audit_name="Completions",
)
