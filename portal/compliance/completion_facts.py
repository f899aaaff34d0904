"""One completion of an external course (a person, the course, the Europe/London day) is one fact, whichever door
records it: the national e-learning records (a file or the API: `import:` keys, one per completion) or a certificate
HR verifies (`certificate:` keys, one per certificate). Each door's own key keeps its own repeats out; these reads let
each see the other's, so that the ledger holds the completion once. Both doors read them holding the person's lock
(`ledger.people_lock`), so a verification and an import of the same day at the same moment record it once too.
An entry voided since does not count: the correction says it was not so, and the other door may record it."""

import datetime
from collections.abc import Iterable

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
