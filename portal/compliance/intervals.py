"""The status table in effective time (`StatusInterval`): each person's state on each requirement, day by day, as
everything known now says it was, kept as runs of days so that a report "as it was" on any day reads one range of
rows instead of replaying the ledger.

Effective time, fact by fact:
- a completion counts from the day it was completed (`completed_at`), whenever it was recorded;
- a pause stops the clock over its own days (`completed_at` to `expires_on`), whenever it was recorded;
- a correction (a void) takes effect from the day of the fact it voids: the fact never held;
- a person is in post from their start date to their leave date (the latest the roster says), in the team, staff
  group and job title of the roster row in effect that day: of the rows effective by then, the one recorded last
  (`people.StaffChange.effective_on`); before their first row's day, that row;
- a re-attestation round takes effect on the day it was opened; requirements themselves are read as they are now,
  as every report reads them.

The rule for a day is the projection's (`projection.standing_from`). A run ends where anything it depends on changes:
one of the days above, a start or leave, an expiry, or the day the state moves on (due soon, overdue).
"""

import bisect
import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from portal.people.models import StaffChange, StaffMember, Team

from . import status
from .dates import local_day
from .models import EvidenceEntry, ReattestationRound, Requirement, StatusInterval, job_title_regex
from .projection import entries_counting_for, pause_spans, standing_from, valid_entries

ONE_DAY = datetime.timedelta(days=1)
CHUNK = 500


@dataclass(frozen=True)
class Facts:
    """A person's roster facts from one day on."""

    team_id: int | None
    staff_group: str
    job_title: str


@dataclass(frozen=True)
class Run:
    """One row of the table before it is saved."""

    valid_from: datetime.date
    valid_to: datetime.date
    state: str
    compliant: bool
    team_id: int | None
    staff_group: str
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None


class Roster:
    """A person's roster facts by effective day: `on(day)`."""

    def __init__(self, changes: Iterable, fallback: Facts):
        rows = sorted(changes, key=lambda c: (_effective_day(c), c.recorded_at, c.pk))
        self.days: list[datetime.date] = []
        self.facts: list[Facts] = []
        for day in sorted({_effective_day(c) for c in rows}):
            latest = max((c for c in rows if _effective_day(c) <= day), key=lambda c: (c.recorded_at, c.pk))
            facts = Facts(latest.team_id, latest.staff_group, latest.job_title)
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
    roster: Roster, paths: dict[int, str], requirement: Requirement, team_paths: list[str], day: datetime.date
) -> datetime.date | None:
    """The day the person joined `requirement`'s audience, as their roster says (`Roster.audience_since`), for
    `projection.standing_from`: their new-starter window counts from it. `paths`: the paths of the teams the roster
    names. The requirement's teams are read as they are now (HR's edits to them have no history)."""
    if requirement.applies_to_everyone:
        return None

    def fits(facts: Facts) -> bool:
        return requirement.applies_to_values(
            facts.staff_group, paths.get(facts.team_id), team_paths, job_title=facts.job_title
        )

    return roster.audience_since(fits, day)


def roster_of(changes: Iterable, now: Facts, path: str | None) -> tuple[Roster, dict[int, str]]:
    """A person's Roster from their roster rows (each with its team read with it), falling back to `now` (their
    facts as the roster holds them now, in the team at `path`) when they have none, and the paths of the teams named."""
    changes = list(changes)
    paths = {now.team_id: path} if now.team_id is not None else {}
    paths.update({c.team_id: c.team.path for c in changes if c.team is not None})
    return Roster(changes, now), paths


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


def histories(latest: QuerySet, cutoff: datetime.datetime) -> Iterator[tuple[StaffChange, Roster, dict[int, str]]]:
    """For each person of `latest` (their last roster row recorded before `cutoff`, `asat.roster_as_at`): that row
    (with the person and team), their Roster from every row recorded before then, and the paths of its teams. One
    query in place of `latest`'s own, in person order, streamed."""
    rows = (
        StaffChange.objects.filter(recorded_at__lt=cutoff, staff_id__in=latest.values("staff_id"))
        .select_related("staff", "team")
        .order_by("staff_id", "recorded_at", "pk")
    )
    for mine in _by_person(rows.iterator(chunk_size=2000), lambda change: change.staff_id):
        last = mine[-1]
        yield last, *roster_of(mine, Facts(last.team_id, last.staff_group, last.job_title), None)


def lean_histories(latest: QuerySet, cutoff: datetime.datetime) -> Iterator[tuple[tuple, Roster, dict[int, str]]]:
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
        yield last[:7], Roster(changes, Facts(last[1], last[3], last[6])), paths


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


def runs_for(
    *,
    start_date: datetime.date,
    leave_date: datetime.date | None,
    roster: Roster,
    requirement: Requirement,
    team_paths: list[str],
    paths: dict[int, str],
    counting: list[EvidenceEntry],
    pauses: list[status.Span],
    rounds: list,
    due_soon_days: int,
) -> list[Run]:
    """The runs of one person on one requirement, from everything known now. `counting` are the completions that
    count towards it (`projection.entries_counting_for` of the valid ones), `pauses` its pauses that stand.

    The standing (dates, whether it applies, the pause shown) changes only on the days a fact takes effect (the
    "base" days), so it is worked out once for each; between them only the state moves on with the calendar (due
    soon, overdue, expired), on days that standing names."""
    audience = {
        facts: requirement.applies_to_values(
            facts.staff_group, paths.get(facts.team_id), team_paths, job_title=facts.job_title
        )
        for facts in set(roster.facts)
    }
    if not any(audience.values()):
        return []
    zone = timezone.get_current_timezone()  # once: looking it up is most of local_day's time
    completions = sorted(
        ((e.completed_at.astimezone(zone).date(), e) for e in counting if e.completed_at is not None),
        key=lambda pair: _completion_order(pair[1]),
    )
    completion_days = [day for day, _ in completions]
    rounds = sorted(rounds, key=lambda r: r.opened_at)
    round_days = [local_day(r.opened_at) for r in rounds]

    def standing_on(day):
        facts = roster.on(day)
        in_post = start_date <= day and (leave_date is None or day <= leave_date)
        done = bisect.bisect_right(completion_days, day)
        latest = completions[done - 1][1] if done else None
        standing = standing_from(
            requirement,
            on=day,
            applies=in_post and audience[facts],
            start_date=start_date,
            joined_on=roster.audience_since(audience.__getitem__, day),
            completed_on=completion_days[done - 1] if done else None,
            completed_at=latest.completed_at if latest else None,
            entry_expires_on=latest.expires_on if latest else None,
            snapshot_id=latest.snapshot_id if latest else None,
            rounds=rounds[: bisect.bisect_right(round_days, day)],
            pauses=pauses,
        )
        return facts, standing

    base = {start_date, requirement.introduced_on, *roster.days[1:], *round_days, *completion_days}
    for first, last in pauses:
        base.add(first)
        if last is not None:
            base.add(_shift(last, ONE_DAY))
    if leave_date is not None:
        base.add(_shift(leave_date, ONE_DAY))
    if requirement.retired_on is not None:
        base.add(requirement.retired_on)
    base.discard(datetime.date.min)
    base_days = sorted(base)
    standings = [standing_on(day) for day in base_days]
    days = set(base_days)
    window = datetime.timedelta(days=due_soon_days)
    for _, standing in standings:
        if not standing.required:
            continue
        if standing.expires_on is not None:
            days.add(_shift(standing.expires_on, ONE_DAY))
        if standing.due_on is not None:
            days.update({_shift(standing.due_on, ONE_DAY - window), _shift(standing.due_on, ONE_DAY)})
    days = sorted(d for d in days if base_days[0] <= d < StatusInterval.FOREVER)
    runs: list[Run] = []
    for index, day in enumerate(days):
        facts, standing = standings[bisect.bisect_right(base_days, day) - 1]
        if not standing.required:
            continue
        until = days[index + 1] if index + 1 < len(days) else StatusInterval.FOREVER
        run = Run(
            day,
            until,
            standing.state(day, due_soon_days),
            standing.valid_on(day),
            facts.team_id,
            facts.staff_group,
            standing.completed_on,
            standing.expires_on,
            standing.due_on,
        )
        previous = runs[-1] if runs else None
        if previous and previous.valid_to == day and _same(previous, run):
            runs[-1] = Run(previous.valid_from, until, *_values(run)[2:])
        else:
            runs.append(run)
    return runs


def _shift(day: datetime.date, by: datetime.timedelta) -> datetime.date:
    """`day + by`, held within the calendar (a leave date of 31/12/9999 has no day after it)."""
    try:
        return day + by
    except OverflowError:
        return datetime.date.max if by > datetime.timedelta(0) else datetime.date.min


def _values(run: Run) -> tuple:
    return (
        run.valid_from,
        run.valid_to,
        run.state,
        run.compliant,
        run.team_id,
        run.staff_group,
        run.completed_on,
        run.expires_on,
        run.due_on,
    )


def _same(a: Run, b: Run) -> bool:
    return _values(a)[2:] == _values(b)[2:]


@dataclass(frozen=True)
class Rules:
    """The requirement side of the runs, read once for a rebuild or a read: the requirements, the ids whose evidence
    counts towards them (theirs and their families' higher levels), each one's teams and re-attestation rounds, the
    levels above each, and the "due soon" window."""

    requirements: list[Requirement]
    counted: set[int]
    team_paths: dict[int, list[str]]
    rounds: dict[int, list]
    above: dict[int, list[Requirement]]
    window: int


def rules_for(
    requirement_ids: Iterable[int] | None = None, recorded_before: datetime.datetime | None = None
) -> Rules | None:
    """The Rules of some requirements (all when None, and the lower levels of their families, which their evidence
    also satisfies), or None when there are none. With `recorded_before`, only the rounds opened before that moment.
    Requirements themselves are read as they are now (configuration, not evidence). Three queries, four with levels."""
    requirements = list(Requirement.objects.prefetch_related("teams", "rounds"))
    above = Requirement.objects.levels_above() if any(r.level_family for r in requirements) else {}
    if requirement_ids is not None:
        wanted = set(requirement_ids)
        wanted |= {pk for pk, higher in above.items() if any(h.pk in wanted for h in higher)}
        requirements = [r for r in requirements if r.pk in wanted]
    if not requirements:
        return None
    rounds = {}
    for requirement in requirements:
        opened = list(requirement.rounds.all()) if requirement.kind in Requirement.ROUND_KINDS else []
        if recorded_before is not None:
            opened = [round_ for round_ in opened if round_.opened_at < recorded_before]
        rounds[requirement.pk] = opened
    return Rules(
        requirements=requirements,
        counted={r.pk for r in requirements} | {h.pk for r in requirements for h in above.get(r.pk, ())},
        team_paths={r.pk: [t.path for t in r.teams.all()] for r in requirements},
        rounds=rounds,
        above=above,
        window=getattr(settings, "PORTAL_DUE_SOON_DAYS", 30),
    )


def requirements_read(queryset: QuerySet) -> list[Requirement]:
    """The requirements of `queryset`, with what `rules_of` reads of them prefetched: the teams of those that do not
    apply to everyone, and the re-attestation rounds of those that have any (a round is opened only by a material
    change of policy, so most have none; whether one has any comes with the requirement). One query for the
    requirements, then one for teams and one for rounds only when a requirement needs them."""
    has_rounds = Exists(ReattestationRound.objects.filter(requirement=OuterRef("pk")))
    requirements = list(queryset.annotate(has_rounds=has_rounds))
    prefetch_related_objects([r for r in requirements if not r.applies_to_everyone], "teams")
    prefetch_related_objects([r for r in requirements if r.has_rounds], "rounds")
    # Those known to have none: an empty queryset, which runs no query.
    none = Prefetch("rounds", queryset=ReattestationRound.objects.none())
    prefetch_related_objects([r for r in requirements if not r.has_rounds], none)
    return requirements


def rules_of(requirements: list[Requirement]) -> Rules:
    """The Rules of requirements already read, none of them in a level family (`rules_for` reads a family's levels):
    their teams and rounds as prefetched (`requirements_read`; a query for each when not), and none read where they
    cannot count: the teams of a requirement that applies to everyone, the rounds of a kind no round reopens."""
    return Rules(
        requirements=requirements,
        counted={r.pk for r in requirements},
        team_paths={r.pk: [] if r.applies_to_everyone else [t.path for t in r.teams.all()] for r in requirements},
        rounds={r.pk: list(r.rounds.all()) if r.kind in Requirement.ROUND_KINDS else [] for r in requirements},
        above={},
        window=getattr(settings, "PORTAL_DUE_SOON_DAYS", 30),
    )


# What `people_facts` reads of each person, in this order.
PERSON_FIELDS = ("pk", "start_date", "leave_date", "team_id", "staff_group", "job_title", "team__path")


@dataclass
class Person:
    """One person's facts as `runs_for` reads them: in post from `start_date` to `leave_date`, their roster by
    effective day, and their ledger entries on the requirements counted (completions, pauses, corrections)."""

    pk: int
    start_date: datetime.date
    leave_date: datetime.date | None
    roster: Roster
    entries: list[EvidenceEntry]


class Reading(NamedTuple):
    """One person's runs on one requirement, with what they were worked out from."""

    requirement: Requirement
    runs: list[Run]
    counting: list[EvidenceEntry]  # the valid completions that count towards it (its own and higher levels')
    pauses: list[status.Span]


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


def people_facts(
    rows: list[tuple],
    counted: set[int],
    *,
    waiting: dict[int, list[EvidenceEntry]] | None = None,
    recorded_before: datetime.datetime | None = None,
    changes: dict[int, list[StaffChange]] | None = None,
    entries: dict[int, list[EvidenceEntry]] | None = None,
) -> tuple[list[Person], dict[int, str]]:
    """The facts of a chunk of people (`rows` of PERSON_FIELDS, as the roster holds them now) and the paths of every
    team their roster rows name: two queries. `waiting` are entries prepared but not yet sealed, counted as recorded.
    `changes`: the people's roster rows (with their teams), when read with the people (`_people_with_roster`): then
    one query, for the ledger entries. `entries`: each person's entries on the requirements `counted`, the pending
    ones among them, when the caller has read them: then none.

    With `recorded_before`, only what had been recorded before that moment, so that a read at that moment can be
    made again later and come out the same: the ledger entries (completions, pauses, corrections) and roster rows
    recorded by then; a person's start and leave dates are those of their last roster row recorded by then, and a
    person whose every roster row was recorded since was not on the roster yet, and is left out."""
    ids = [row[0] for row in rows]
    if changes is None:
        changes = roster_rows(ids)
    kept, later = defaultdict(list), set()
    paths = {row[3]: row[6] for row in rows}
    for change in (change for pk in ids for change in changes.get(pk, ())):
        if recorded_before is not None and change.recorded_at >= recorded_before:
            later.add(change.staff_id)
            continue
        kept[change.staff_id].append(change)
        if change.team is not None:
            paths[change.team_id] = change.team.path
    if entries is None:
        recorded = EvidenceEntry.objects.filter(staff_id__in=ids, requirement_id__in=counted)
        if recorded_before is not None:
            recorded = recorded.filter(recorded_at__lt=recorded_before)
        entries = defaultdict(list)
        for entry in [*recorded, *(entry for pk in ids for entry in (waiting or {}).get(pk, ()))]:
            entries[entry.staff_id].append(entry)
    people = []
    for pk, start_date, leave_date, team_id, staff_group, job_title, _ in rows:
        mine = kept[pk]
        if recorded_before is not None and mine:
            last = max(mine, key=lambda c: (c.recorded_at, c.pk))
            start_date, leave_date = last.start_date, last.leave_date
        elif pk in later:
            continue
        roster = Roster(mine, Facts(team_id, staff_group, job_title))
        people.append(Person(pk, start_date, leave_date, roster, entries.get(pk, [])))
    return people, paths


def _people_with_roster(staff_ids: list[int]) -> tuple[list[tuple], dict[int, list[StaffChange]]]:
    """The people's rows of PERSON_FIELDS and their roster rows (with their teams' paths) for `people_facts`, in one
    query (the people joined to their roster rows): for a few people, where reading them through a cursor and their
    roster rows after takes two and, on PostgreSQL, the cursor's own round trips."""
    rows, changes = {}, defaultdict(list)
    joined = [f"changes__{field}" for field in CHANGE_FIELDS]
    width = len(PERSON_FIELDS)
    for values in StaffMember.objects.filter(pk__in=staff_ids).order_by("pk").values_list(*PERSON_FIELDS, *joined):
        rows[values[0]] = values[:width]
        change = dict(zip(CHANGE_FIELDS, values[width:], strict=True))
        if change["pk"] is None:  # no roster rows
            continue
        team_id, path = change.pop("team_id"), change.pop("team__path")
        team = Team(pk=team_id, path=path) if team_id is not None else None
        changes[values[0]].append(StaffChange(staff_id=values[0], team=team, **change))
    return list(rows.values()), changes


def person_runs(person: Person, rules: Rules, paths: dict[int, str]) -> Iterator[Reading]:
    """`runs_for` for one person on each of the rules' requirements."""
    by_requirement = defaultdict(list)
    for entry in valid_entries(person.entries):
        by_requirement[entry.requirement_id].append(entry)
    for requirement in rules.requirements:
        counting = entries_counting_for(requirement, by_requirement, rules.above)
        pauses = pause_spans(person.entries, requirement.pk)
        runs = runs_for(
            start_date=person.start_date,
            leave_date=person.leave_date,
            roster=person.roster,
            requirement=requirement,
            team_paths=rules.team_paths[requirement.pk],
            paths=paths,
            counting=counting,
            pauses=pauses,
            rounds=rules.rounds[requirement.pk],
            due_soon_days=rules.window,
        )
        yield Reading(requirement, runs, counting, pauses)


def counting_on(counting: Iterable[EvidenceEntry], day: datetime.date, zone=None) -> EvidenceEntry | None:
    """Of the completions that count (`Reading.counting`), the one a run holding `day` rests on: the latest done by
    then, by completion time and then ledger order, as `runs_for` takes it. `zone`: the current time zone, when the
    caller has it (looking it up is most of the time this takes)."""
    zone = zone or timezone.get_current_timezone()
    done = [e for e in counting if e.completed_at is not None and e.completed_at.astimezone(zone).date() <= day]
    return max(done, key=_completion_order, default=None)


def _completion_order(entry: EvidenceEntry) -> tuple:
    return (entry.completed_at, entry.seq if entry.seq is not None else math.inf)


def intervals_rebuild(
    staff_ids: Iterable[int] | None = None,
    requirement_ids: Iterable[int] | None = None,
    pending: Iterable[EvidenceEntry] = (),
) -> int:
    """Rebuild the runs of some people (all when None) on some requirements (all when None, and the lower levels of
    their families, which their evidence also satisfies), counting `pending` entries (prepared, not yet sealed) as
    recorded. Call in the transaction of the fact that changes them, holding `ledger.people_lock` on the people
    (as `projection.refresh` does). Returns the rows written."""
    rules = _rules_to_rebuild(requirement_ids)
    if rules is None:
        return 0
    waiting = defaultdict(list)
    for entry in pending:
        waiting[entry.staff_id].append(entry)
    staff_ids = None if staff_ids is None else list(staff_ids)
    if staff_ids is not None and len(staff_ids) <= CHUNK:
        # A few people (a completion's, an attestation's, a pause's): one chunk, read with their roster rows.
        rows, changes = _people_with_roster(staff_ids)
        with transaction.atomic(savepoint=False):
            return _rebuild_chunk(rows, rules, waiting, changes) if rows else 0
    people = StaffMember.objects.order_by("pk")
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    written = 0
    with transaction.atomic(savepoint=False):  # the caller's transaction: the fact's own
        chunk = []
        for row in people.values_list(*PERSON_FIELDS).iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                written += _rebuild_chunk(chunk, rules, waiting)
                chunk = []
        if chunk:
            written += _rebuild_chunk(chunk, rules, waiting)
    return written


def person_read(staff_id: int) -> tuple[tuple | None, dict[int, list[StaffChange]]]:
    """One person as the roster holds them now, their row of PERSON_FIELDS (None if there is no such person), and
    their roster rows, in one query (`_people_with_roster`). Read it holding their lock (`ledger.people_lock`), and
    work out their status row and their runs from this one reading: a copy read before the lock may miss a move the
    roster applied meanwhile."""
    rows, changes = _people_with_roster([staff_id])
    return (rows[0] if rows else None), changes


def person_intervals_rebuild(
    staff_id: int, rules: Rules, entries: list[EvidenceEntry], person: tuple | None = None
) -> int:
    """`intervals_rebuild` of one person on the rules' requirements (`rules_of`, `rules_for`), from their ledger
    entries on them as the caller read them, the pending ones among them, and from the person as `person_read` gave
    them (read here, one query, when not given); then deletes and inserts their runs. Call as `intervals_rebuild`."""
    row, changes = person if person is not None else person_read(staff_id)
    if row is None:
        return 0
    return _rebuild_chunk([row], rules, {}, changes, entries={staff_id: entries})


def _rules_to_rebuild(requirement_ids: Iterable[int] | None) -> Rules | None:
    """`rules_for(requirement_ids)`, reading only the requirements named when none is in a level family: one query
    where most rebuilds (one person's, after a completion or an attestation) read three, and their teams and rounds
    only when they have any (`requirements_read`)."""
    if requirement_ids is None:
        return rules_for()
    requirements = requirements_read(Requirement.objects.filter(pk__in=list(requirement_ids)))
    if any(requirement.level_family for requirement in requirements):
        return rules_for([requirement.pk for requirement in requirements])
    return rules_of(requirements) if requirements else None


def _rebuild_chunk(rows, rules: Rules, waiting, changes=None, entries=None) -> int:
    people, paths = people_facts(rows, rules.counted, waiting=waiting, changes=changes, entries=entries)
    new = []
    for person in people:
        for reading in person_runs(person, rules, paths):
            new.extend((person.pk, reading.requirement.pk, *_values(run)) for run in reading.runs)
    StatusInterval.objects.filter(staff_id__in=[row[0] for row in rows], requirement__in=rules.requirements).delete()
    _insert(new)
    return len(new)


COLUMNS = (
    "staff_id",
    "requirement_id",
    "valid_from",
    "valid_to",
    "state",
    "compliant",
    "team_id",
    "staff_group",
    "completed_on",
    "expires_on",
    "due_on",
)


def _insert(rows: list[tuple]) -> None:
    """Insert rows of COLUMNS: a full rebuild writes hundreds of thousands, and building a model instance for each
    (bulk_create) took longer than working them out. PostgreSQL takes them by COPY; SQLite by one prepared statement
    run for each."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(StatusInterval._meta.db_table)
    names = ", ".join(quote(column) for column in COLUMNS)  # constants: no value is written into the SQL
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608
