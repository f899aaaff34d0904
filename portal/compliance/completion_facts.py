"""One completion of an external course (a person, the course, the Europe/London day) is one fact, whichever door
records it: the national e-learning records (a file or the API: `import:` keys, one per completion) or a certificate
HR verifies (`certificate:` keys, one per certificate). Each door's own key keeps its own repeats out; these reads let
each see the other's, so that the ledger holds the completion once. Both doors read them holding the person's lock
(`ledger.people_lock`), so a verification and an import of the same day at the same moment record it once too.
An entry voided since does not count: the correction says it was not so, and the other door may record it."""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from portal.lib.csvfiles import show_date

from .dates import end_of_local_day, local_day
from .models import EvidenceEntry


def _standing(source: str):
    return EvidenceEntry.objects.filter(source=source, voided_by__isnull=True)


def imported_completion(*, staff_id: int, requirement_id: int, day: datetime.date) -> EvidenceEntry | None:
    """The standing entry the national e-learning records gave for this person's completion of the course on `day`,
    if any: a certificate of the same completion would record it twice. One query."""
    completed = {"completed_at__gte": end_of_local_day(day - datetime.timedelta(days=1))}
    completed["completed_at__lt"] = end_of_local_day(day)
    entries = _standing(EvidenceEntry.IMPORT).filter(staff_id=staff_id, requirement_id=requirement_id, **completed)
    return entries.order_by("seq").first()


def certified_completions(staff_ids: Iterable[int], chunk: int = 5000) -> set[tuple[int, int, datetime.date]]:
    """(person, requirement, day) of every standing completion HR verified a certificate for, of `staff_ids`: an
    imported row of one of them is already recorded. A query for each `chunk` people."""
    ids, found = list(staff_ids), set()
    for start in range(0, len(ids), chunk):
        entries = _standing(EvidenceEntry.CERTIFICATE).filter(staff_id__in=ids[start : start + chunk])
        for staff_id, requirement_id, completed_at in entries.values_list("staff_id", "requirement_id", "completed_at"):
            found.add((staff_id, requirement_id, local_day(completed_at)))
    return found


def without_certified(rows: list[dict]) -> list[dict]:
    """Ledger rows of imported completions (`ledger.prepare_many`'s dicts), less those a standing certificate records
    (`certified_completions`). One query for each 5,000 people."""
    certified = certified_completions({row["staff_id"] for row in rows})
    return [
        row for row in rows if (row["staff_id"], row["requirement_id"], local_day(row["completed_at"])) not in certified
    ]


def imported_entries(keys: list[str], chunk: int = 5000) -> dict[str, tuple]:
    """(expiry, when HR voided it: None while it stands) of each entry recorded under one of the `import:` `keys`.
    The key stays with a voided entry, so no file records that completion again, and the dry run says why. A query
    for each `chunk` keys (the void joined: one to an entry at most, as its key names the entry)."""
    found = {}
    for start in range(0, len(keys), chunk):
        entries = EvidenceEntry.objects.filter(idempotency_key__in=keys[start : start + chunk])
        for key, *facts in entries.values_list("idempotency_key", "expires_on", "voided_by__recorded_at"):
            found[key] = tuple(facts)
    return found


def voided_note(voided_at: datetime.datetime) -> str:
    """What the dry run says of a row whose completion HR voided since it was recorded."""
    return f"voided by HR on {show_date(timezone.localtime(voided_at).date())}: not recorded again"


def other_expiry_note(recorded: datetime.date | None, given: datetime.date | None) -> str:
    """What the dry run says of a row giving a recorded completion another expiry: the ledger's entry is a fact and
    is not changed by a later file (docs/import-completions.md says how HR corrects an expiry)."""
    held = f"expiry {show_date(recorded)}" if recorded else "no expiry date (the renewal period applies)"
    says = f"says {show_date(given)}" if given else "gives none"
    return f"already recorded with {held}; the file {says}: the recorded date is kept"


def leave_out_recorded(plan) -> None:
    """Take from `plan.to_record` (a `completions.CompletionPlan`) the completions the ledger holds: as the file
    gives them, or from a certificate HR verified (already recorded); voided by HR since (its key held, so not
    recorded again); or with another expiry (the recorded date kept). The last two are named by line, so that the dry
    run does not call them recorded as given. A query for each 5,000 rows, and one for each 5,000 people."""
    entries = imported_entries([r.key for r in plan.to_record])
    certified = certified_completions({r.staff_id for r in plan.to_record})  # the same completion, its certificate
    rows, plan.to_record = plan.to_record, []
    for row in rows:
        expires_on, voided_at = entries.get(row.key, (row.expires_on, None))
        if (row.staff_id, row.requirement_id, row.completed_on) in certified:
            plan.already += 1  # a verified certificate stands, whatever became of an import of the same day
        elif row.key not in entries:
            plan.to_record.append(row)
        elif voided_at is not None:
            plan.voided.append((row.line, voided_note(voided_at)))
        elif expires_on != row.expires_on:
            plan.other_expiry.append((row.line, other_expiry_note(expires_on, row.expires_on)))
        else:
            plan.already += 1
