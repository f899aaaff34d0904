"""E-learning completions as an import: compliance.completions plans them; applying appends them to the ledger a
chunk at a time, each chunk in its own transaction under the ledger's lock, with the status of the people and
requirements it touched refreshed in that transaction. A quiz submission or attestation waits for one chunk at most,
never for the whole file. The chain stays whole (every chunk links to the head it found), and the idempotency keys
make a re-run after a failure record only what is missing."""

import datetime
import math
import time

from django.db import connection, transaction

from portal.people.models import StaffMember

from .. import ledger, projection
from ..completion_facts import without_certified
from ..completions import CompletionPlan, mappings_basis, plan_completions
from ..dates import moment_on
from ..models import EvidenceEntry, ImportBatch
from .base import SHOWN, Importer, Progress
from .own_records import APPLIER, ASK_ANOTHER, CLIENTS_MAKER, FROM_THEIR_OWN_FILE, TOKEN_HOLDER, VIEWER

# Each chunk is one transaction: its people are locked for all of it, the ledger's head while its entries go in, so a
# submission waits for one chunk at most. Its size is chosen by `ChunkSizer` from the time the chunks so far took
# (docs/benchmarks.md). Tests fix CHUNK_ROWS to see the chunks.
CHUNK_SECONDS = 0.3  # what a chunk aims at
FIXED_SHARE = 0.25  # the most of a chunk's time its fixed cost may take: below that, chunks grow past CHUNK_SECONDS
GROWTH = 1.5  # a chunk is at most this many times the size of the last
FIRST_CHUNK, SMALLEST_CHUNK, LARGEST_CHUNK = 200, 20, 2000
MEMORY = 0.8  # the weight of a chunk's timing in the fit falls by this at each chunk after it
PROBE = 0.75  # every other chunk is this fraction of the chosen size (or larger by as much, at the floor)
CHANGED = 3.0  # a chunk this many times longer (or shorter) than the fit foretold: the load changed, start afresh
CHUNK_ROWS: int | None = None
# SQLite has no queue of waiting writers: each polls (its busy timeout sleeps up to 100 ms between tries), so an import
# that started its next chunk at once could take the lock again and again before a submission's next try. A pause
# longer than that poll lets it in. PostgreSQL grants a row lock to the waiters in turn, so needs none.
SQLITE_PAUSE_SECONDS = 0.12


OWN_RECORD = "this is your own record. " + ASK_ANOTHER + "import it."
# What the task worker writes on the batch, which anyone in HR may read: the person, not "you".
APPLIERS_RECORD = (
    "this is the record of the HR officer who asked to apply this file. Ask another member of HR to import it."
)
CLIENTS_MAKERS_RECORD = (
    "this is the record of the HR officer who made this client, so nothing the client sends can record it. "
    + FROM_THEIR_OWN_FILE.format("import")
)
ROTATORS_RECORD = (
    "this is the record of the HR officer who was last shown this client's token, so nothing the client sends can "
    "record it. " + FROM_THEIR_OWN_FILE.format("import")
)
REASONS = {
    VIEWER: OWN_RECORD,
    APPLIER: APPLIERS_RECORD,
    CLIENTS_MAKER: CLIENTS_MAKERS_RECORD,
    TOKEN_HOLDER: ROTATORS_RECORD,
}


def own_record_refuse(plan: CompletionPlan, user_id: int | None, reason: str = OWN_RECORD) -> list[int]:
    """Reject the rows that would record the completions of the user `user_id` themself, as every other way in
    refuses a person's own evidence (verifying their certificate, voiding, pausing). Like any rejected row, one stops
    the whole file, strict or not: only a person the portal does not know is skipped. Changes `plan` in place; returns
    the lines rejected."""
    staff_id = StaffMember.objects.filter(user_id=user_id).values_list("pk", flat=True).first() if user_id else None
    own = [row.line for row in plan.to_record if staff_id is not None and row.staff_id == staff_id]
    if own:
        plan.to_record = [row for row in plan.to_record if row.staff_id != staff_id]
        plan.rejected = sorted(plan.rejected + [(line, reason) for line in own])
    return sorted(own)


def own_refuse(plan: CompletionPlan, user_id: int, who: str) -> list[tuple[int, str]]:
    """The import's `own_refuse`: the rows that would record the completions of `user_id`, rejected."""
    reason = REASONS[who]
    return [(line, reason) for line in own_record_refuse(plan, user_id, reason)]


def apply(batch: ImportBatch, plan: CompletionPlan, progress: Progress) -> dict:
    """Record the plan's completions in chunks. Rows are taken person by person (then course, then date), so each
    chunk touches few people and the status refresh that goes with it stays small. A re-run's plan holds only what
    earlier runs did not record; the count goes on from theirs. A row that is the own record of whoever asked to
    apply the file never gets here (`import_batch_run` refuses the file, `own_records`)."""
    rows = sorted(plan.to_record, key=lambda r: (r.staff_id, r.requirement_id, r.completed_on, r.line))
    done = earlier = batch.rows_done if batch.rows_done < batch.rows_total else 0
    total = done + len(rows)
    progress.update(done, total)
    found = record_in_chunks(
        [_entry(batch, row) for row in rows],
        during=lambda recorded: progress.update(done + recorded, total),
        after=progress.committed,
    )
    recorded, already = total - found, plan.already - earlier + found  # found: recorded since the plan
    return {**plan.summary, "to_record": recorded, "already_recorded": already, "recorded": recorded}


class ChunkSizer:
    """How many rows the next chunk of an import takes.

    A chunk's time is a fixed part (its transaction, its locks, the status refresh's queries, the progress update,
    the commit) and a part for each row. Under load both grow, the fixed part most: it is a dozen round trips to the
    database, each waiting for a turn on a core. Sizing chunks by the last one's time alone, as if all of it were per
    row, settled on (CHUNK_SECONDS - fixed) / per_row rows: as the fixed part neared CHUNK_SECONDS, a handful, and
    past it the smallest chunk, each paying the fixed part again (a 10,000-row import took 152 s at load average 7
    on 2 cores, 7 s quiet).

    So the sizer fits seconds = fixed + per_row x rows to the chunks seen (least squares, the recent ones weighing
    most; all forgotten when a chunk takes CHANGED times more or less than the fit foretold), and takes the rows
    that end a chunk in CHUNK_SECONDS, but never so few that the fixed part is more than FIXED_SHARE of the chunk:
    on a busy machine chunks run longer than CHUNK_SECONDS (to four times their fixed part), rather than the import
    taking many times longer. Every other chunk is a quarter smaller (PROBE; a third larger at that floor, so as not
    to pass it), so the fit always has two sizes to tell the parts apart. Until it has, the last chunk's time is
    taken as all per row, as before. A chunk is at most GROWTH times the last chosen size, so one that ran fast on a
    quiet moment is not followed by one far too long when the machine gets busy again."""

    def __init__(
        self,
        *,
        target: float = CHUNK_SECONDS,
        fixed_share: float = FIXED_SHARE,
        first: int = FIRST_CHUNK,
        smallest: int = SMALLEST_CHUNK,
        largest: int = LARGEST_CHUNK,
    ):
        self.target, self.fixed_share = target, fixed_share
        self.smallest, self.largest = smallest, largest
        self.size = self._chosen = first
        self._chunks = 0
        self._sums = [0.0] * 5  # weights; and weighted rows, seconds, rows squared, rows x seconds

    def took(self, rows: int, seconds: float) -> None:
        """A chunk of `rows` took `seconds`: choose the size of the next."""
        self._chunks += 1
        point = (1.0, rows, seconds, rows * rows, rows * seconds)
        fitted = self.fit()
        if fitted is not None and not 1 / CHANGED < seconds / (fitted[0] + fitted[1] * rows) < CHANGED:
            self._sums = [0.0] * 5  # the load has changed: what the chunks before took says little now
        self._sums = [total * MEMORY + value for total, value in zip(self._sums, point, strict=True)]
        fitted = self.fit()
        if fitted is None:
            wanted, floor = rows * self.target / max(seconds, 1e-6), 0.0
        elif not fitted[1]:  # the times' noise hides what the rows cost: nothing to go on, so no change
            wanted, floor = self._chosen, 0.0
        else:
            fixed, per_row = fitted
            floor = fixed * (1 - self.fixed_share) / (self.fixed_share * per_row)
            wanted = max((self.target - fixed) / per_row, floor)
        self._chosen = self._bounded(min(wanted, self._chosen * GROWTH))
        self.size = self._chosen
        if self._chunks % 2:  # every other chunk smaller; larger at the floor, so as not to pass it
            at_floor = self._chosen >= floor - 1 and floor > self._chosen * PROBE
            self.size = self._bounded(self._chosen / PROBE if at_floor else self._chosen * PROBE)

    def fit(self) -> tuple[float, float] | None:
        """(fixed seconds, seconds per row) from the chunks seen, or None while their sizes are too alike to tell.
        Seconds per row is 0 when the larger chunks took no longer than the smaller (the noise of a busy machine)."""
        weights, rows, seconds, rows_squared, rows_seconds = self._sums
        spread = weights * rows_squared - rows * rows  # weights squared x the variance of the sizes
        if spread <= 1e-3 * rows * rows:  # sizes within a few per cent of each other
            return None
        per_row = (weights * rows_seconds - rows * seconds) / spread
        if per_row <= 0:
            return seconds / weights, 0.0
        fixed = (seconds - per_row * rows) / weights
        if fixed < 0:
            return 0.0, seconds / rows
        return fixed, per_row

    def _bounded(self, rows: float) -> int:
        return max(self.smallest, min(self.largest, math.ceil(rows - 1e-6)))  # at the floor, not a row under it


def record_in_chunks(
    rows: list[dict], *, during=lambda recorded: None, after=lambda: None, sizer: ChunkSizer | None = None
) -> int:
    """Append ledger rows (dicts for `ledger.prepare_many`, in person order) a chunk at a time, each chunk in its own
    transaction: the chunk's people locked, their status refreshed, then the chain's head locked only while the
    entries go in. `during(rows so far)` runs in each chunk's transaction, `after()` once it has committed. `sizer`
    chooses each chunk's rows from the time the chunks before it took (a `ChunkSizer` with the defaults if None).
    Returns how many rows it found already recorded under the lock (a certificate HR verified, or another import
    recorded, since the plan) and left out: the apply counts them as already recorded, not as recorded by it."""
    start, sizer, found = 0, sizer or ChunkSizer(), 0
    while start < len(rows):
        chunk = rows[start : start + (CHUNK_ROWS or sizer.size)]
        with transaction.atomic():
            people = {row["staff_id"] for row in chunk}
            ledger.people_lock(people)  # first, so that the time below is the chunk's own, not its wait for others
            began = time.perf_counter()
            # Read under the lock: a certificate of the same completion HR verified since the plan was made.
            entries = ledger.prepare_many(without_certified(chunk))
            found += len(chunk) - len(entries)
            requirements = {row["requirement_id"] for row in chunk}
            projection.refresh(staff_ids=people, requirement_ids=requirements, pending=entries)
            during(start + len(chunk))
            ledger.seal(entries)  # last: the head is locked only while the entries go in
        after()
        took = max(time.perf_counter() - began, 0.001)  # the people locked, the commit included
        start += len(chunk)
        if connection.vendor == "sqlite" and start < len(rows):
            time.sleep(SQLITE_PAUSE_SECONDS)
        sizer.took(len(chunk), took)
    return found


def dry_run_kept(plan: CompletionPlan, fingerprint: str) -> dict:
    """The dry run as the batch page shows it, as JSON, kept on the batch so that opening the page does not read the
    file again: the counts, the first SHOWN completions to record (named), people not on the roster, completions
    after leaving, completions HR voided, those recorded with another expiry and rejected rows, every course not yet
    mapped (in the file's order) and every course mapped to a retired requirement (why its rows are skipped), and the
    accounts whose completions it records (one of them viewing or applying has the file planned again, their rows
    refused). A query for each 5,000 people to record, and those of the listing's names."""
    return {
        "rows": plan.rows,
        "counts": {
            "to_record": len(plan.to_record),
            "already": plan.already,
            "other_expiry": len(plan.other_expiry),
            "voided": len(plan.voided),
            "skipped_unmapped": sum(plan.skipped.values()),
            "retired": plan.summary["skipped_retired"],
            "not_completed": plan.not_completed,
            "not_on_roster": len(plan.not_on_roster),
            "after_leaving": len(plan.after_leaving),
            "rejected": len(plan.rejected),
        },
        "can_apply": plan.can_apply,
        "problems": plan.problems,
        "rejected": plan.rejected[:SHOWN],
        "unused": plan.unused,
        "ignored": plan.ignored,
        "hidden": plan.hidden,
        "listing": [
            {**row, "completed_on": row["completed_on"].isoformat(), "expires_on": _iso(row["expires_on"])}
            for row in plan.listing(SHOWN)
        ],
        "not_on_roster": plan.not_on_roster[:SHOWN],
        "after_leaving": plan.after_leaving[:SHOWN],
        "other_expiry": plan.other_expiry[:SHOWN],
        "voided": plan.voided[:SHOWN],
        "skipped": list(plan.skipped.items()),  # pairs: PostgreSQL's jsonb would put a dict's keys in its own order
        "retired": plan.retired_warnings(),
        "standing_of": plan.accounts(),
        # and their staff records: one joined to an account since (single sign-on, the roster) is that account's too
        "standing_staff": sorted({r.staff_id for r in plan.to_record}),
    }


def dry_run_shown(kept: dict) -> dict:
    """A kept dry run as the page shows it: the listing's days as dates again."""
    listing = [
        {**row, "completed_on": _day(row["completed_on"]), "expires_on": _day(row["expires_on"])}
        for row in kept["listing"]
    ]
    return {**kept, "listing": listing}


def _iso(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _entry(batch: ImportBatch, row) -> dict:
    return {
        "idempotency_key": row.key,
        "staff_id": row.staff_id,
        "requirement_id": row.requirement_id,
        "source": EvidenceEntry.IMPORT,
        "source_ref": f"import batch {batch.pk} line {row.line}",
        "completed_at": moment_on(row.completed_on),
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
    own_refuse=own_refuse,
    dry_run_kept=dry_run_kept,
    dry_run_shown=dry_run_shown,
    dry_run_basis=mappings_basis,
)
