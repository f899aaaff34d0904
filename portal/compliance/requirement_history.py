"""A requirement's terms as they stood on a past day (`compliance.RequirementChange`), on the two clocks.

- **As it was** on D: of a requirement's rows in effect by D (each takes effect on the day it was recorded; a first
  row kept from before the history, always), the one recorded last; before its first row's day, that row. So a
  requirement added today with an earlier `introduced_on` applies from then, as it does today.
- **As recorded then**: the same from the rows recorded before the cut-off: a requirement whose every row was
  recorded since was not known then, and is left out. A requirement with no row at all (made outside
  `services.requirement_save`) is read as it is now.

The reads annotate the requirements they read with their rows' count and the moment of their newest row (no more
queries), and read the rows (one query) only when a requirement has been changed since the day or the cut-off read.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .dates import end_of_local_day
from .models import Requirement, RequirementChange, levels_above_among

ALWAYS = datetime.date.min


# --- Writing ----------------------------------------------------------------------------------------------------


def terms_to_keep(previous: Requirement) -> dict | None:
    """The terms of a requirement about to change (as saved, before the change), if it has no history yet: the first
    row `requirement_change_record` keeps for it. None when it has a history. One query, two without one."""
    if RequirementChange.objects.filter(requirement=previous).exists():
        return None
    return RequirementChange.state_of(previous, previous.teams.values_list("pk", flat=True))


def requirement_change_record(
    requirement: Requirement, *, team_ids: Iterable[int], before: dict | None = None, at=None
) -> RequirementChange:
    """Append `requirement`'s terms now (with its teams' ids `team_ids`), taking effect today, recorded `at` (default
    now). Call it in the transaction that changes the requirement. `before`: its terms before this change when it had
    no history (`terms_to_keep`), kept first, effective always (before this change), so that a report about an
    earlier day reads it as it was."""
    at = at or timezone.now()
    if before is not None:
        RequirementChange.objects.create(requirement=requirement, recorded_at=at, effective_on=None, **before)
    return RequirementChange.objects.create(
        requirement=requirement,
        recorded_at=at,
        effective_on=timezone.localdate(at),
        **RequirementChange.state_of(requirement, team_ids),
    )


def requirement_history_begin(requirements: Iterable[Requirement], at=None) -> int:
    """A first row (effective always) for each of `requirements` with no history yet, from its terms now: the demo
    loader's requirements, which stand for all their history. Returns rows added."""
    requirements = list(requirements)
    at = at or timezone.now()
    kept = set(RequirementChange.objects.filter(requirement__in=requirements).values_list("requirement_id", flat=True))
    rows = [
        RequirementChange(
            requirement=requirement,
            recorded_at=at,
            effective_on=None,
            **RequirementChange.state_of(requirement, requirement.teams.values_list("pk", flat=True)),
        )
        for requirement in requirements
        if requirement.pk not in kept
    ]
    RequirementChange.objects.bulk_create(rows)
    return len(rows)


# --- Reading ----------------------------------------------------------------------------------------------------


def with_history_marks(queryset: QuerySet, of: str = "pk") -> QuerySet:
    """`queryset` of requirements annotated with `history_rows` (how many rows their history has) and
    `history_last` (when the newest was recorded): what tells the reads below whether to read the rows. `of`: the
    field holding the requirement's id, for a queryset of rows about requirements (`"requirement_id"`)."""
    rows = RequirementChange.objects.filter(requirement=OuterRef(of)).order_by()
    count = rows.values("requirement").annotate(n=Count("pk")).values("n")
    return queryset.annotate(
        history_rows=Coalesce(Subquery(count[:1]), 0),
        history_last=Subquery(rows.order_by("-recorded_at").values("recorded_at")[:1]),
    )


def recorded_order(row: RequirementChange) -> tuple:
    """The order of a requirement's rows: a first row kept from before its history (effective always) stands before
    every change recorded, whenever it was written; the others in the order recorded."""
    return (row.effective_on is not None, row.recorded_at, row.pk)


def _rows(requirement_ids: Iterable[int]) -> dict[int, list[RequirementChange]]:
    """The history rows of the requirements, in `recorded_order`: one query."""
    rows = defaultdict(list)
    for row in RequirementChange.objects.filter(requirement_id__in=list(requirement_ids)):
        rows[row.requirement_id].append(row)
    return {pk: sorted(kept, key=recorded_order) for pk, kept in rows.items()}


def _known(rows: list[RequirementChange], recorded_before: datetime.datetime | None) -> list[RequirementChange]:
    if recorded_before is None:
        return rows
    return [row for row in rows if row.effective_on is None or row.recorded_at < recorded_before]


def _row_on(rows: list[RequirementChange], day: datetime.date) -> RequirementChange:
    """Of rows (in `recorded_order`, at least one), the one in effect on `day` as it was."""
    in_effect = [row for row in rows if row.effective_from() <= day]
    return in_effect[-1] if in_effect else rows[0]


def spans_of(rows: list[RequirementChange]) -> list[tuple[datetime.date, Requirement]]:
    """The requirement's terms day by day, as it was, from `rows` (in `recorded_order`, at least one): (first day,
    the requirement then) for each stretch, the first from the beginning of time."""
    days = sorted({ALWAYS, *(row.effective_from() for row in rows)})
    spans, last = [], None
    for day in days:
        row = _row_on(rows, day)
        if row is not last:
            spans.append((day, row.as_requirement()))
            last = row
    return spans


def histories_for(
    requirements: list[Requirement], *, since: datetime.datetime | None, recorded_before: datetime.datetime | None
) -> dict[int, list[RequirementChange]] | None:
    """The history rows (known by `recorded_before`) of those `requirements` (read through `with_history_marks`)
    whose terms may differ from today's on a day read: changed at or after `since` (a day's end or a cut-off), or,
    when `since` is None (every day is read), changed at all or recorded after `recorded_before`. One query; none
    (None) when no requirement needs it."""

    def changed(requirement) -> bool:
        last = requirement.history_last
        if since is not None:
            return last is not None and last >= since
        later = last is not None and recorded_before is not None and last >= recorded_before
        return requirement.history_rows > 1 or later

    wanted = [requirement.pk for requirement in requirements if changed(requirement)]
    if not wanted:
        return None
    return {pk: _known(rows, recorded_before) for pk, rows in _rows(wanted).items()}


def requirements_as_at(
    requirements: list[Requirement], day: datetime.date, cutoff: datetime.datetime | None
) -> list[Requirement]:
    """`requirements` (read through `with_history_marks`) as they stood on `day`, as recorded before `cutoff` (None:
    as it was, from everything known now): each one changed since replaced by its terms then (an unsaved copy with
    its teams' ids in `kept_team_ids`), one not known then left out. One query when a requirement was changed since,
    none when not."""
    since = end_of_local_day(day) if cutoff is None else min(cutoff, end_of_local_day(day))
    histories = histories_for(requirements, since=since, recorded_before=cutoff)
    if histories is None:
        return requirements
    result = []
    for requirement in requirements:
        if requirement.pk not in histories:
            result.append(requirement)
        elif histories[requirement.pk]:
            result.append(_row_on(histories[requirement.pk], day).as_requirement())
    return result


def changed_since(requirement: Requirement, day: datetime.date, cutoff: datetime.datetime | None) -> bool:
    """Whether `requirement` (read through `with_history_marks`) has a row recorded after the end of `day` (or
    `cutoff`, if earlier): whether `requirements_as_at` reads its rows."""
    since = end_of_local_day(day) if cutoff is None else min(cutoff, end_of_local_day(day))
    return requirement.history_last is not None and requirement.history_last >= since


def levels_by_day(
    spans: dict[int, list[tuple[datetime.date, Requirement]]],
) -> dict[int, list[tuple[datetime.date, list[Requirement]]]]:
    """The level families day by day: for each requirement that was ever in one, (first day, the requirements of its
    family at a higher level then, with their terms then) for each stretch, the first from the beginning of time.
    `spans`: each requirement's terms day by day (`spans_of`; one that never changed, `[(ALWAYS, it)]`). A stretch
    begins on a day a requirement joined or left a family, or changed its level or its renewal period (what a higher
    level's evidence is worth). No query."""
    ever = {pk: kept for pk, kept in spans.items() if any(then.level_family for _, then in kept)}
    days = sorted({first for kept in ever.values() for first, _ in kept})
    found: dict[int, list[tuple[datetime.date, list[Requirement]]]] = {pk: [] for pk in ever}
    for day in days:
        above = levels_above_among(holding(kept, day) for kept in ever.values())
        for pk, stretches in found.items():
            higher = above.get(pk, [])
            if not stretches or _worth(stretches[-1][1]) != _worth(higher):
                stretches.append((day, higher))
    return found


def holding(stretches: list[tuple[datetime.date, object]], day: datetime.date):
    """Of (first day, value) stretches in order, the first from the beginning of time, the value on `day`."""
    return next(value for first, value in reversed(stretches) if first <= day)


def _worth(higher: list[Requirement]) -> list[tuple]:
    return sorted((then.pk, then.renewal_months) for then in higher)


def levels_on(
    levels: dict[int, list[tuple[datetime.date, list[Requirement]]]], day: datetime.date
) -> dict[int, list[Requirement]]:
    """`levels_by_day` on one day: for each requirement, the higher levels of its family that day."""
    return {pk: holding(stretches, day) for pk, stretches in levels.items()}


def requirements_in_force_on(
    day: datetime.date, *, cutoff: datetime.datetime | None = None, among: QuerySet | None = None
) -> list[Requirement]:
    """The requirements (of `among`, default all) in force on `day`, each with its terms then (name, audience,
    periods, introduction and retirement: `requirements_as_at`), by name: as it was (`cutoff` None: everything known
    now), or as recorded before `cutoff`. What a report or an export about a past day lists: one retired since is in,
    one introduced since, or added since and not known at the cut-off, is out. One query, two when a requirement was
    changed after the day."""
    read = list(with_history_marks(among if among is not None else Requirement.objects.all()))
    in_force = [r for r in requirements_as_at(read, day, cutoff) if r.in_force_on(day)]
    return sorted(in_force, key=lambda r: (r.name, r.pk))


def requirements_in_force_between(
    first: datetime.date, last: datetime.date, *, among: QuerySet | None = None
) -> list[Requirement]:
    """The requirements (of `among`, default all, read through `with_history_marks`) in force on at least one day
    from `first` to `last`, as it was (everything known now), each as it is now, by name: what a chart over those
    days may be narrowed to, one retired within them included. One query, two when a requirement was changed after
    `first`."""
    read = list(with_history_marks(among if among is not None else Requirement.objects.all()))
    histories = histories_for(read, since=end_of_local_day(first), recorded_before=None) or {}
    in_force = []
    for requirement in read:
        rows = histories.get(requirement.pk)
        spans = spans_of(rows) if rows else [(ALWAYS, requirement)]
        ends = [start - datetime.timedelta(days=1) for start, _ in spans[1:]] + [datetime.date.max]
        stretches = zip(spans, ends, strict=True)
        if any(_in_force_within(then, max(start, first), min(end, last)) for (start, then), end in stretches):
            in_force.append(requirement)
    return sorted(in_force, key=lambda r: (r.name, r.pk))


def _in_force_within(requirement: Requirement, first: datetime.date, last: datetime.date) -> bool:
    """Whether `requirement` (its terms unchanged from `first` to `last`) is in force on one of those days: on the
    first of them it was introduced by, if that is before its retirement."""
    day = max(first, requirement.introduced_on)
    return day <= last and requirement.in_force_on(day)


def team_ids_of(requirement: Requirement) -> set[int]:
    """The ids of the teams `requirement` applies to: those a history row kept, or its teams now (prefetched)."""
    kept = getattr(requirement, "kept_team_ids", None)
    return kept if kept is not None else {team.pk for team in requirement.teams.all()}
