"""Reading people's facts, working out their runs and writing them to the table (`intervals_rebuild`,
`person_intervals_rebuild`)."""

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, transaction

from portal.people.history import Period, employment_periods, period_on
from portal.people.models import StaffChange, StaffMember, Team
from portal.people.team_history import TreeHistory, tree_history

from .. import status
from ..models import EvidenceEntry, Requirement, StatusInterval
from ..projection import entries_counting_for, pause_spans, valid_entries
from ..requirement_history import team_ids_of
from .roster import CHANGE_FIELDS, Facts, Roster, roster_rows
from .runs import Rules, Run, _values, requirements_read, rules_for, rules_of, runs_for

CHUNK = 500


# What `people_facts` reads of each person, in this order.
PERSON_FIELDS = ("pk", "start_date", "leave_date", "team_id", "staff_group", "job_title", "team__path")


@dataclass
class Person:
    """One person's facts as `runs_for` reads them: their present period of employment (`start_date` to
    `leave_date`) and every period, the earlier ones of someone who left and came back among them
    (`people.history.employment_periods`), their roster by effective day, and their ledger entries on the
    requirements counted (completions, pauses, corrections)."""

    pk: int
    start_date: datetime.date
    leave_date: datetime.date | None
    roster: Roster
    entries: list[EvidenceEntry]
    periods: tuple[Period, ...] = ()

    def in_post_on(self, day: datetime.date) -> bool:
        return period_on(self.periods or ((self.start_date, self.leave_date),), day) is not None


class Reading(NamedTuple):
    """One person's runs on one requirement, with what they were worked out from."""

    requirement: Requirement
    runs: list[Run]
    counting: list[EvidenceEntry]  # the valid completions that count towards it (its own and higher levels')
    pauses: list[status.Span]
    # Where the higher levels of its family changed over time: (first day, the completions that counted) for each
    # stretch, the last `counting`.
    counted: tuple[tuple[datetime.date, list[EvidenceEntry]], ...] = ()

    def counting_on(self, day: datetime.date) -> list[EvidenceEntry]:
        """The valid completions that counted towards it on `day`: its own, and those of its higher levels then."""
        return next((counting for first, counting in reversed(self.counted) if first <= day), self.counting)


def people_facts(
    rows: list[tuple],
    counted: set[int],
    *,
    waiting: dict[int, list[EvidenceEntry]] | None = None,
    recorded_before: datetime.datetime | None = None,
    changes: dict[int, list[StaffChange]] | None = None,
    entries: dict[int, list[EvidenceEntry]] | None = None,
    places: TreeHistory | None = None,
) -> tuple[list[Person], dict[int, str]]:
    """The facts of a chunk of people (`rows` of PERSON_FIELDS, as the roster holds them now) and the paths of every
    team their roster rows name: two queries. `waiting` are entries prepared but not yet sealed, counted as recorded.
    `changes`: the people's roster rows (with their teams), when read with the people (`_people_with_roster`): then
    one query, for the ledger entries. `entries`: each person's entries on the requirements `counted`, the pending
    ones among them, when the caller has read them: then none. `places`: the tree's history, read by the caller, so
    that each day's runs judge a requirement set for teams by the tree of that day (`Roster`).

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
        roster = Roster(mine, Facts(team_id, staff_group, job_title), places)
        periods = employment_periods(mine, start_date, leave_date)
        people.append(Person(pk, start_date, leave_date, roster, entries.get(pk, []), periods))
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
        pauses = pause_spans(person.entries, requirement.pk)
        runs_on = functools.partial(
            runs_for,
            start_date=person.start_date,
            leave_date=person.leave_date,
            periods=person.periods,
            roster=person.roster,
            paths=paths,
            pauses=pauses,
            rounds=rules.rounds[requirement.pk],
            due_soon_days=rules.window,
        )
        stretches = rules.stretches.get(requirement.pk)
        if stretches is None:
            counting = entries_counting_for(requirement, by_requirement, rules.above)
            runs = runs_on(requirement=requirement, counting=counting, **_teams(rules, requirement))
            yield Reading(requirement, runs, counting, pauses)
            continue
        # Its terms or its family's levels changed: each stretch on the terms of its days, counting the evidence of
        # the levels above it then (as a new renewal period counts from the day HR sets it).
        counted, worked_out = [], []
        for first, terms, higher in stretches:
            counting = entries_counting_for(terms, by_requirement, {terms.pk: higher})
            counted.append((first, counting))
            worked_out.append((first, runs_on(requirement=terms, counting=counting, **_teams(rules, terms))))
        yield Reading(requirement, _spliced(worked_out), counted[-1][1], pauses, tuple(counted))


def _teams(rules: Rules, terms: Requirement) -> dict:
    """The teams `runs_for` reads of a requirement's terms: those a history row kept, by id, or its teams now."""
    if hasattr(terms, "kept_team_ids"):
        return {"team_paths": [], "team_ids": team_ids_of(terms)}
    return {"team_paths": rules.team_paths[terms.pk], "team_ids": rules.team_ids[terms.pk]}


def _spliced(stretches: list[tuple[datetime.date, list[Run]]]) -> list[Run]:
    """One list of runs from each stretch of a requirement's terms (its first day, the runs worked out on those
    terms): each stretch's runs cut to its days, joined where one run goes on into the next unchanged."""
    runs: list[Run] = []
    ends = [first for first, _ in stretches[1:]] + [StatusInterval.FOREVER]
    for (first, stretch), end in zip(stretches, ends, strict=True):
        for run in stretch:
            valid_from, valid_to = max(run.valid_from, first), min(run.valid_to, end)
            if valid_from >= valid_to:
                continue
            previous = runs[-1] if runs else None
            if previous and previous.valid_to == valid_from and _values(previous)[2:] == _values(run)[2:]:
                runs[-1] = Run(previous.valid_from, valid_to, *_values(run)[2:])
            else:
                runs.append(Run(valid_from, valid_to, *_values(run)[2:]))
    return runs


def intervals_rebuild(
    staff_ids: Iterable[int] | None = None,
    requirement_ids: Iterable[int] | None = None,
    pending: Iterable[EvidenceEntry] = (),
    *,
    places: TreeHistory | None = None,
) -> int:
    """Rebuild the runs of some people (all when None) on some requirements (all when None, and the lower levels of
    their families, which their evidence also satisfies), counting `pending` entries (prepared, not yet sealed) as
    recorded. Call in the transaction of the fact that changes them, holding `ledger.people_lock` on the people
    (as `projection.refresh` does). `places`: the tree's history, when the caller has read it (`places_for`).
    Returns the rows written."""
    rules = _rules_to_rebuild(requirement_ids)
    if rules is None:
        return 0
    places = places if places is not None else places_for(rules)
    waiting = defaultdict(list)
    for entry in pending:
        waiting[entry.staff_id].append(entry)
    staff_ids = None if staff_ids is None else list(staff_ids)
    if staff_ids is not None and len(staff_ids) <= CHUNK:
        # A few people (a completion's, an attestation's, a pause's): one chunk, read with their roster rows.
        rows, changes = _people_with_roster(staff_ids)
        with transaction.atomic(savepoint=False):
            return _rebuild_chunk(rows, rules, waiting, changes, places=places) if rows else 0
    people = StaffMember.objects.order_by("pk")
    if staff_ids is not None:
        people = people.filter(pk__in=staff_ids)
    written = 0
    with transaction.atomic(savepoint=False):  # the caller's transaction: the fact's own
        chunk = []
        for row in people.values_list(*PERSON_FIELDS).iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                written += _rebuild_chunk(chunk, rules, waiting, places=places)
                chunk = []
        if chunk:
            written += _rebuild_chunk(chunk, rules, waiting, places=places)
    return written


def person_read(staff_id: int) -> tuple[tuple | None, dict[int, list[StaffChange]]]:
    """One person as the roster holds them now, their row of PERSON_FIELDS (None if there is no such person), and
    their roster rows, in one query (`_people_with_roster`). Read it holding their lock (`ledger.people_lock`), and
    work out their status row and their runs from this one reading: a copy read before the lock may miss a move the
    roster applied meanwhile."""
    rows, changes = _people_with_roster([staff_id])
    return (rows[0] if rows else None), changes


def person_intervals_rebuild(
    staff_id: int,
    rules: Rules,
    entries: list[EvidenceEntry],
    person: tuple | None = None,
    places: TreeHistory | None = None,
) -> int:
    """`intervals_rebuild` of one person on the rules' requirements (`rules_of`, `rules_for`), from their ledger
    entries on them as the caller read them, the pending ones among them, and from the person as `person_read` gave
    them (read here, one query, when not given), with the tree's history as `places_for` gave it; then deletes and
    inserts their runs. Call as `intervals_rebuild`."""
    row, changes = person if person is not None else person_read(staff_id)
    if row is None:
        return 0
    return _rebuild_chunk([row], rules, {}, changes, entries={staff_id: entries}, places=places)


def places_for(rules: Rules) -> TreeHistory | None:
    """The tree's history as everything known now says it was (`people.team_history.tree_history`), when one of the
    rules' requirements is set for teams: their runs judge each day by the tree of that day, so a team moved since
    keeps, for the days before the move, the requirements of the teams it was under then. One query; none when no
    requirement is set for teams (most completions: the tree's history cannot change them)."""
    return tree_history() if rules.by_team else None


def _rules_to_rebuild(requirement_ids: Iterable[int] | None) -> Rules | None:
    """`rules_for(requirement_ids)`, reading only the requirements named when none is (or was: `rules_of`) in a level
    family: one query where most rebuilds (one person's, after a completion or an attestation) read three, and their
    teams and rounds only when they have any (`requirements_read`)."""
    if requirement_ids is None:
        return rules_for()
    requirements = requirements_read(Requirement.objects.filter(pk__in=list(requirement_ids)))
    if any(requirement.level_family for requirement in requirements):
        return rules_for([requirement.pk for requirement in requirements])
    return rules_of(requirements) if requirements else None


def _rebuild_chunk(rows, rules: Rules, waiting, changes=None, entries=None, places=None) -> int:
    people, paths = people_facts(rows, rules.counted, waiting=waiting, changes=changes, entries=entries, places=places)
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
