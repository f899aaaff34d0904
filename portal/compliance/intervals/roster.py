"""People's roster facts by effective day, as the runs in effective time read them: `Roster`, read from
`people.StaffChange` rows."""

import bisect
import datetime
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

from django.db.models import Q, QuerySet

from portal.people.models import StaffChange, StaffMember
from portal.people.team_history import Place, TreeHistory

from ..dates import local_day
from ..models import Requirement, job_title_regex

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Facts:
    """A person's roster facts from one day on, and where their team stood in the tree from that day (`place`, when
    the roster is read with the tree's history: see `Roster`)."""

    team_id: int | None
    staff_group: str
    job_title: str
    place: Place | None = None


class Roster:
    """A person's roster facts by effective day: `on(day)`. Read with the tree's history (`places`), the facts change
    also on the days their team's place in the tree changed (a move of the team or of a team above it), each with the
    place it had from then: who a requirement set for a team applies to is judged by the tree of each day."""

    def __init__(self, changes: Iterable, fallback: Facts, places: TreeHistory | None = None):
        rows = sorted(changes, key=lambda c: (_effective_day(c), c.recorded_at, c.pk))
        self.days: list[datetime.date] = []
        self.facts: list[Facts] = []
        effective = sorted({_effective_day(c) for c in rows})
        days = set(effective)
        if places is not None:
            days.add(datetime.date.min)  # the place before the tree's first change
            for team_id in {c.team_id for c in rows} if rows else {fallback.team_id}:
                days.update(places.place_days(team_id))
        for day in sorted(days):
            if rows:
                # Before their first row's day, that row (recorded last of those taking effect that day).
                in_effect = [c for c in rows if _effective_day(c) <= day] or [
                    c for c in rows if _effective_day(c) == effective[0]
                ]
                latest = max(in_effect, key=lambda c: (c.recorded_at, c.pk))
                facts = Facts(latest.team_id, latest.staff_group, latest.job_title)
            else:
                facts = fallback
            if places is not None:
                facts = replace(facts, place=places.place(facts.team_id, day))
            if not self.facts or self.facts[-1] != facts:
                self.days.append(day)
                self.facts.append(facts)
        if not self.facts:
            self.days, self.facts = [datetime.date.min], [fallback]

    def on(self, day: datetime.date) -> Facts:
        return self.facts[max(0, bisect.bisect_right(self.days, day) - 1)]

    def audience_since(self, fits: Callable[[Facts], bool], day: datetime.date) -> datetime.date | None:
        """The first day of the unbroken stretch up to `day` in which the person's facts put them in an audience
        (`fits`): the day they joined it. None when they are not in it on `day`, or have been since their first roster
        row (that row stands for the time before it, from their start)."""
        index = max(0, bisect.bisect_right(self.days, day) - 1)
        if not fits(self.facts[index]):
            return None
        while index > 0 and fits(self.facts[index - 1]):
            index -= 1
        return self.days[index] if index > 0 else None


def joined_on(
    roster: Roster,
    paths: dict[int, str],
    requirement: Requirement,
    team_paths: list[str],
    day: datetime.date,
    team_ids: Collection[int] = (),
) -> datetime.date | None:
    """The day the person joined `requirement`'s audience, as their roster says (`Roster.audience_since`), for
    `projection.standing_from`: their new-starter window counts from it. `paths`: the paths of the teams the roster
    names; with a roster read with the tree's history, each day's place of the team and the requirement's teams by id
    (`team_ids`) instead. The requirement's teams are read as they are now (HR's edits to them have no history)."""
    if requirement.applies_to_everyone:
        return None

    def fits(facts: Facts) -> bool:
        return requirement.applies_to_values(
            facts.staff_group,
            paths.get(facts.team_id),
            team_paths,
            job_title=facts.job_title,
            place=facts.place,
            team_ids=team_ids,
        )

    return roster.audience_since(fits, day)


def roster_of(
    changes: Iterable, now: Facts, path: str | None, places: TreeHistory | None = None
) -> tuple[Roster, dict[int, str]]:
    """A person's Roster from their roster rows (each with its team read with it), falling back to `now` (their
    facts as the roster holds them now, in the team at `path`) when they have none, and the paths of the teams named;
    with the tree's history (`places`), their teams' places day by day (`Roster`)."""
    changes = list(changes)
    paths = {now.team_id: path} if now.team_id is not None else {}
    paths.update({c.team_id: c.team.path for c in changes if c.team is not None})
    return Roster(changes, now, places), paths


class Change(NamedTuple):
    """A roster row as `lean_histories` reads it: what `Roster` reads of a StaffChange."""

    pk: int
    recorded_at: datetime.datetime
    effective_on: datetime.date | None
    team_id: int | None
    staff_group: str
    job_title: str


# What `lean_histories` reads of each roster row: a person's facts as asat.Facts holds them, then the rest Roster reads.
LEAN_FIELDS = (
    "staff_id",
    "team_id",
    "team__path",
    "staff_group",
    "start_date",
    "leave_date",
    "job_title",
    "pk",
    "recorded_at",
    "effective_on",
)


# What `people_facts` reads of each roster row (`people.StaffChange`), with its team's path.
CHANGE_FIELDS = (
    "pk",
    "recorded_at",
    "effective_on",
    "team_id",
    "team__path",
    "staff_group",
    "job_title",
    "start_date",
    "leave_date",
)


def histories(
    latest: QuerySet, cutoff: datetime.datetime, places: TreeHistory | None = None
) -> Iterator[tuple[StaffChange, Roster, dict[int, str]]]:
    """For each person of `latest` (their last roster row recorded before `cutoff`, `asat.roster_as_at`): that row
    (with the person and team), their Roster from every row recorded before then (with their teams' places, from the
    tree's history `places`), and the paths of its teams. One query in place of `latest`'s own, in person order,
    streamed."""
    rows = (
        StaffChange.objects.filter(recorded_at__lt=cutoff, staff_id__in=latest.values("staff_id"))
        .select_related("staff", "team")
        .order_by("staff_id", "recorded_at", "pk")
    )
    for mine in _by_person(rows.iterator(chunk_size=2000), lambda change: change.staff_id):
        last = mine[-1]
        yield last, *roster_of(mine, Facts(last.team_id, last.staff_group, last.job_title), None, places)


def lean_histories(
    latest: QuerySet, cutoff: datetime.datetime, places: TreeHistory | None = None
) -> Iterator[tuple[tuple, Roster, dict[int, str]]]:
    """`histories` as plain values: the last row as LEAN_FIELDS[:7]."""
    rows = (
        StaffChange.objects.filter(recorded_at__lt=cutoff, staff_id__in=latest.values("staff_id"))
        .order_by("staff_id", "recorded_at", "pk")
        .values_list(*LEAN_FIELDS)
    )
    for mine in _by_person(rows.iterator(chunk_size=2000), lambda row: row[0]):
        changes = [Change(row[7], row[8], row[9], row[1], row[3], row[6]) for row in mine]
        paths = {row[1]: row[2] for row in mine if row[1] is not None}
        last = mine[-1]
        yield last[:7], Roster(changes, Facts(last[1], last[3], last[6]), places), paths


def _by_person(rows: Iterator, person: Callable) -> Iterator[list]:
    mine: list = []
    for row in rows:
        if mine and person(mine[0]) != person(row):
            yield mine
            mine = []
        mine.append(row)
    if mine:
        yield mine


def roster_rows(staff_ids: list[int]) -> dict[int, list[StaffChange]]:
    """The roster rows of some people, with what `Roster` and `joined_on` read of them and their teams' paths: one
    query."""
    changes = defaultdict(list)
    only = ["staff_id", *(field for field in CHANGE_FIELDS if field not in ("pk", "team_id"))]
    for change in StaffChange.objects.filter(staff_id__in=staff_ids).select_related("team").only(*only):
        changes[change.staff_id].append(change)
    return changes


def audience_ever_ids(requirement: Requirement) -> set[int]:
    """Everyone the requirement's audience takes in, as the roster says now or said at any time (leavers too), as
    two queries: with the people who have runs on it, whoever a change to it can give or take runs from
    (`projection.audience_ids` is the live half, people still in post as they are now)."""
    if requirement.applies_to_everyone:
        return set(StaffMember.objects.values_list("pk", flat=True))
    people = set()
    for model, through in ((StaffMember, "pk"), (StaffChange, "staff_id")):
        fits = Q(staff_group__in=[group for group in requirement.staff_groups if group])
        for path in requirement.teams.values_list("path", flat=True):
            fits |= Q(team__path__startswith=path)
        for pattern in requirement.job_title_patterns:
            fits |= Q(job_title__iregex=job_title_regex(pattern))
        people |= set(model.objects.filter(fits).values_list(through, flat=True).distinct())
    return people


def _effective_day(change) -> datetime.date:
    return change.effective_on if change.effective_on is not None else local_day(change.recorded_at)
