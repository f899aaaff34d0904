"""What every kind of import provides, and the registry of kinds."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.utils import timezone

from ..models import ImportBatch

# How many of each list a kept dry run holds for the batch page, which says how many more there are.
SHOWN = 200


class Plan(Protocol):
    """A dry run: what applying the file would do, and what stops it. Writes nothing."""

    rows: int
    sha256: str
    rejected: list[tuple[int, str]]
    problems: list[str]

    @property
    def can_apply(self) -> bool: ...

    @property
    def summary(self) -> dict: ...


class Progress:
    """How far an apply has got, written on the batch. `update` is called inside the transaction of the work it
    counts, so the count a failure leaves behind is exact; `committed` once that transaction has ended, with no lock
    held (tests hook in there)."""

    def __init__(self, batch: ImportBatch, between_chunks: Callable[[], None] | None = None):
        self.batch = batch
        self.between_chunks = between_chunks

    def update(self, done: int, total: int) -> None:
        self.batch.rows_done, self.batch.rows_total = done, total
        now = timezone.now()  # a sign of life (`ImportBatch.stalled`), seen once the chunk's transaction commits
        ImportBatch.objects.filter(pk=self.batch.pk).update(rows_done=done, rows_total=total, progress_at=now)

    def committed(self) -> None:
        if self.between_chunks:
            self.between_chunks()


@dataclass(frozen=True)
class Importer:
    """One kind of file. `plan` and `apply` are plain functions so each kind stays a small module."""

    kind: str
    title: str  # "Import the staff roster"
    noun: str  # "roster", used in sentences: "This roster has already been applied"
    file_noun: str  # "roster file": "Select the roster file"
    heading: str  # the batch page's heading: "Roster: x.csv"
    summary: str  # what the index page says the kind does
    help_text: str
    max_bytes: int
    # (data, **options) -> Plan; options are what HR chose on upload ("strict", "sheet"), kept on the batch
    plan: Callable[..., Plan]
    # (batch, plan, progress) -> the summary to keep on the batch once applied
    apply: Callable[[ImportBatch, Plan, Progress], dict]
    # The audit line's scope prefix, as the log has always named imports: "Roster x.csv", "Completions x.csv"
    audit_name: str
    # (batch id) -> None: sends the emails an applied batch owes (the roster's invitations), once it is marked
    # applied, so that no email failure can undo the apply or mark it failed. None: the kind sends no email.
    emails_send: Callable[[int], None] | None = None
    # (batch=, user=, request=, via=) -> whether any were owed: HR asks again for the emails it could not send
    emails_send_again: Callable[..., bool] | None = None
    # (plan, user id, who) -> (line, reason) for each row rejected as that user's own record (`own_records`): rows
    # that would change the standing of whoever applies the file. None: the kind's rows are no one's own record.
    own_refuse: Callable[[Plan, int, str], list[tuple[int, str]]] | None = None
    # (plan, its fingerprint) -> the dry run as the batch page shows it, kept on the batch (`summary["dry_run"]`) so
    # that opening the page does not plan the file again; its plan has a `fingerprint`. None: the page plans it again.
    dry_run_kept: Callable[[Plan, str], dict] | None = None
    # (the kept dry run) -> what the page shows of it, read afresh where the page must be current (the requirements)
    dry_run_shown: Callable[[dict], dict] | None = None
    # () -> what the plan read that HR changes from the batch page itself (the completions' course mappings), as a
    # short text: a dry run kept with another is made again when the page is opened. None: nothing of the kind.
    dry_run_basis: Callable[[], str] | None = None
    # () -> None: the lock on what the kind's plan reads and its apply changes (the organisation's team tree), taken
    # in one transaction around the apply's plan, its checks and the apply itself, so that two applies at once do not
    # both plan from the same old records. None: the apply takes its own locks as it goes (the completions' chunks).
    lock: Callable[[], None] | None = None


def importers() -> dict[str, Importer]:
    from . import completions, organisation, roster

    return {i.kind: i for i in (organisation.IMPORTER, roster.IMPORTER, completions.IMPORTER)}


def importer_for(kind: str) -> Importer:
    try:
        return importers()[kind]
    except KeyError:
        raise LookupError(f"There is no import of the kind {kind!r}.") from None
