"""Each person's standing on a past day as it was (effective time), for exports and evidence packs.

Two reads give the same rows. `table_on` reads the status table in effective time (`compliance.StatusInterval`), as
everything known now says it was: what an export "as it was" writes. `people_known` works the same runs out afresh
with `intervals.runs_for` from only the facts recorded before a cut-off (a read on both clocks at once: the day in
effective time, the facts in recorded time), so that an evidence pack made today "as it was on D" can be made again
next month at its own cut-off and come out byte for byte the same. With a cut-off after the newest fact, the two
agree.

A run keeps the day of the completion it rests on, not its ledger entry. The entry is found again from the person's
entries as `runs_for` took it (`intervals.counting_on`: the latest valid completion done by the day, of the
requirement or of a higher level in its family), and named only if its day is the run's (a table not yet rebuilt
after a fact names none rather than the wrong one).

Both read the part of the organisation asked for, and name each person's team, by the tree as it stood on the day
(`people.team_history.tree_on`; for `people_known`, as recorded before the cut-off): a team moved since is counted
where it was, and a team renamed since has the name it had then. Who a requirement set for teams applied to is the
tree's of each day too: the table's runs are worked out that way (`intervals.places_for`), and `people_known` works
them out from the tree's history recorded before the cut-off.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import STREAM_CHUNK, Moment
from portal.compliance.dates import end_of_local_day
from portal.compliance.intervals import (
    CHUNK,
    PERSON_FIELDS,
    Rules,
    counting_on,
    people_facts,
    person_runs,
    rules_for,
)
from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement, StatusInterval
from portal.compliance.projection import entries_counting_for, pause_spans, valid_entries
from portal.people.models import StaffChange, StaffMember, Team
from portal.people.team_history import Tree, tree_on


@dataclass(frozen=True)
class RunOnDay:
    """One person's standing on one requirement on the day read, from the run that held it: the state and whether
    it counted as compliant are the run's; the pause shown is the one in force that day (or the next)."""

    requirement: Requirement
    state: str
    compliant: bool
    staff_group: str
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None
    evidence: EvidenceEntry | None
    paused_from: datetime.date | None = None
    paused_until: datetime.date | None = None

    @property
    def label(self) -> str:
        return status.label(self.state, self.paused_until)


@dataclass(frozen=True)
class PersonOnDay:
    """Who a person was on the day read, as an export row names them: their own details as the roster holds them
    now, the team they were in then."""

    staff_id: int
    employee_number: str
    full_name: str
    employment_type: str
    team_name: str


def _sorted(lines: list[RunOnDay]) -> list[RunOnDay]:
    """By requirement name, as every export orders a person's rows."""
    return sorted(lines, key=lambda line: (line.requirement.name, line.requirement.pk))


def _named(counting: list[EvidenceEntry], day: datetime.date, completed_on: datetime.date | None, zone):
    """The completion a run holding `day` rests on, if the run has one and it is the one found."""
    if completed_on is None:
        return None
    evidence = counting_on(counting, day, zone)
    if evidence is None or evidence.completed_at.astimezone(zone).date() != completed_on:
        return None
    return evidence


# What the reads need of each ledger entry: the rule's inputs and what a row names (not the chain's hashes).
ENTRY_FIELDS = (
    "seq",
    "staff_id",
    "requirement_id",
    "source",
    "source_ref",
    "completed_at",
    "expires_on",
    "snapshot_id",
    "voids_id",
    "recorded_at",
    "recorded_by_id",
)


def _with_details(entries: list[EvidenceEntry], *, recorded_by: bool = False) -> None:
    """The policy version attested (and who recorded the entry, for a pack's pages), for the entries named: a query
    each, however many entries."""
    snapshots = PolicySnapshot.objects.defer("text", "sections", "changes")
    prefetch_related_objects(
        entries, Prefetch("snapshot", queryset=snapshots), *(["recorded_by"] if recorded_by else [])
    )


# --- From the table, as everything known now says it was -----------------------------------------------------

TABLE_FIELDS = (
    "staff_id",
    "staff__employee_number",
    "staff__first_name",
    "staff__last_name",
    "staff__employment_type",
    "team_id",
    "staff_group",
    "requirement_id",
    "state",
    "compliant",
    "completed_on",
    "expires_on",
    "due_on",
)


def table_on(
    teams: Iterable[Team], day: datetime.date, requirement: Requirement | None = None, staff_group: str = ""
) -> Iterator[tuple[PersonOnDay, list[RunOnDay]]]:
    """Everyone in `teams` (and below, as the tree stood that day) on `day` as it was, with the runs that held that
    day, in person order: from the status table in effective time, in the team the roster had them in then, by the
    name it had then; just the runs of `requirement` and of people in `staff_group` that day, when given. The tree
    is one query, the runs one more read in chunks; each chunk's ledger entries (to name the completion that counts
    and the pause shown) one more."""
    rules = rules_for()
    if rules is None:
        return
    tree = tree_on(day)
    runs = StatusInterval.objects.filter(StatusInterval.on_q(day), tree.scope_q(teams))
    if requirement is not None:
        runs = runs.filter(requirement_id=requirement.pk)
    if staff_group:
        runs = runs.filter(staff_group=staff_group)
    runs = runs.order_by("staff_id").values_list(*TABLE_FIELDS)
    batch = []
    for row in runs.iterator(chunk_size=STREAM_CHUNK):
        if len(batch) >= STREAM_CHUNK and row[0] != batch[-1][0]:  # a chunk ends between people
            yield from _table_batch(batch, rules, day, tree)
            batch = []
        batch.append(row)
    if batch:
        yield from _table_batch(batch, rules, day, tree)


def named_on(rules: Rules, day: datetime.date) -> dict[int, Requirement]:
    """Each of the requirements of `rules` as it stood on `day` (from `rules.history`, no query): a document about a
    past day names a requirement as it was named that day, the evidence of that day, not by a name given since."""
    found = {r.pk: r for r in rules.requirements}
    for pk, spans in rules.history.items():
        found[pk] = next(then for first, then in reversed(spans) if first <= day)
    return found


def _table_batch(batch: list[tuple], rules: Rules, day: datetime.date, tree: Tree):
    requirements = named_on(rules, day)
    above = rules.above_on(day)  # the level families as they stood that day, as the runs count them
    zone = timezone.get_current_timezone()
    ids = sorted({row[0] for row in batch})
    # Completions done after the day cannot count on it; a correction may void an earlier one. Every pause is read:
    # one that begins the day after the pause in force ends continues it, and the pause shown ends with the second
    # (`status.pause_shown`), as the team page and a pack (`people_known`) show it.
    by_then = Q(completed_at__lt=end_of_local_day(day)) | Q(source__in=[EvidenceEntry.VOID, EvidenceEntry.PAUSE])
    entries = defaultdict(list)
    for entry in EvidenceEntry.objects.filter(by_then, staff_id__in=ids, requirement_id__in=rules.counted).only(
        *ENTRY_FIELDS
    ):
        entries[entry.staff_id].append(entry)
    people, named = {}, []
    for staff_id, number, first, last, employment, team, group, requirement_id, state, compliant, *dates in batch:
        requirement = requirements[requirement_id]
        mine = entries[staff_id]
        person = people.get(staff_id)
        if person is None:
            by_requirement = defaultdict(list)
            for entry in valid_entries(mine):
                by_requirement[entry.requirement_id].append(entry)
            details = PersonOnDay(staff_id, number, f"{first} {last}".strip(), employment, tree.name(team))
            person = people[staff_id] = (details, by_requirement, [])
        completed_on, expires_on, due_on = dates
        counting = entries_counting_for(requirement, person[1], above) if completed_on else []
        evidence = _named(counting, day, completed_on, zone)
        if evidence is not None:
            named.append(evidence)
        paused_from, paused_until = status.pause_shown(day, pause_spans(mine, requirement_id))
        person[2].append(
            RunOnDay(
                requirement,
                state,
                compliant,
                group,
                completed_on,
                expires_on,
                due_on,
                evidence,
                paused_from,
                paused_until,
            )
        )
    _with_details(named)
    for details, _, lines in people.values():
        yield details, _sorted(lines)


# --- Afresh, from the facts recorded before a cut-off ----------------------------------------------------------


def people_known(
    teams: Iterable[Team], moment: Moment, requirement: Requirement | None = None, staff_group: str = ""
) -> Iterator[tuple[StaffMember, Team, list[RunOnDay]]]:
    """Everyone in post in `teams` (and below, as the tree stood on the day) on `moment.day` as it was, from the
    facts recorded before `moment.cutoff` alone (the tree's too), with the runs that held that day (a person to whom
    nothing applied has none), in person order, each with their team then as it was named then (an unsaved `Team`);
    when given, just the people in `staff_group` that day and the runs of `requirement`. Each person carries
    `employment_known`, their employment type as the roster last recorded it before the cut-off, as a row names it
    (the type now, were the pack made now: `table_on`'s), so that a change since does not change a pack made before.
    The runs are `intervals.runs_for`'s, on the facts `intervals.people_facts` gathers, a chunk of people at a time:
    a few queries a chunk, and memory flat in the size of the scope."""
    teams = list(teams)
    day = moment.day
    # Every requirement: which were in use that day is their terms then (`rules_for` reads their history).
    rules = rules_for(recorded_before=moment.cutoff)
    tree = tree_known(moment)
    scope = tree.under(teams)
    chunk = []
    people = candidates(teams, moment, tree).select_related("team").order_by("pk")
    people = people.annotate(employment_known=employment_recorded_before(moment.cutoff))
    for staff in people.iterator(chunk_size=CHUNK):
        chunk.append(staff)
        if len(chunk) == CHUNK:
            yield from _known_chunk(chunk, rules, scope, tree, day, moment.cutoff, requirement, staff_group)
            chunk = []
    if chunk:
        yield from _known_chunk(chunk, rules, scope, tree, day, moment.cutoff, requirement, staff_group)


def employment_recorded_before(cutoff):
    """A person's employment type in their last roster row recorded before `cutoff`, else as it is now (no row then):
    an expression for a query of StaffMember, read in the same query."""
    rows = StaffChange.objects.filter(staff_id=OuterRef("pk"), recorded_at__lt=cutoff).order_by("-recorded_at", "-pk")
    return Coalesce(Subquery(rows.values("employment_type")[:1]), F("employment_type"))


def tree_known(moment: Moment) -> Tree:
    """The tree as it stood on `moment.day`, from its history recorded before `moment.cutoff` (one query)."""
    return tree_on(moment.day, recorded_before=moment.cutoff)


def candidates(teams: Iterable[Team], moment: Moment, tree: Tree | None = None):
    """Whoever may have been in `teams` (and below, in the tree as it stood that day: `tree`, read if not given) on
    a day as it was, from what was recorded before `moment.cutoff`: the people the roster places there now, or placed
    there in a row recorded by then."""
    in_scope = (tree or tree_known(moment)).scope_q(teams)
    placed_then = StaffChange.objects.filter(in_scope, recorded_at__lt=moment.cutoff)
    return StaffMember.objects.filter(in_scope | Q(pk__in=placed_then.values("staff_id")))


def _known_chunk(chunk, rules: Rules | None, scope: set, tree: Tree, day, cutoff, requirement=None, staff_group=""):
    rows = [tuple(_person_field(staff, name) for name in PERSON_FIELDS) for staff in chunk]
    # Who a requirement set for teams applied to, by the tree of each day as recorded before the cut-off.
    people, paths = people_facts(rows, rules.counted if rules else set(), recorded_before=cutoff, places=tree.history)
    members = {staff.pk: staff for staff in chunk}
    zone = timezone.get_current_timezone()
    kept = []
    for person in people:
        in_post = person.in_post_on(day)  # in one of their periods of employment, an earlier one included
        then = person.roster.on(day)
        team_id = then.team_id
        if staff_group and then.staff_group != staff_group:
            continue
        if in_post and team_id in scope:
            kept.append((person, team_id))
    named, results, then_named = [], [], named_on(rules, day) if rules else {}
    for person, team_id in kept:
        lines = []
        for reading in person_runs(person, rules, paths) if rules else ():
            if requirement is not None and reading.requirement.pk != requirement.pk:
                continue
            run = next((r for r in reading.runs if r.valid_from <= day < r.valid_to), None)
            if run is None:
                continue  # nothing required of them that day
            evidence = _named(reading.counting_on(day), day, run.completed_on, zone)
            if evidence is not None:
                named.append(evidence)
            lines.append(
                RunOnDay(
                    then_named.get(reading.requirement.pk, reading.requirement),
                    run.state,
                    run.compliant,
                    run.staff_group,
                    run.completed_on,
                    run.expires_on,
                    run.due_on,
                    evidence,
                    *status.pause_shown(day, reading.pauses),
                )
            )
        results.append((members[person.pk], tree.team(team_id), _sorted(lines)))
    _with_details(named, recorded_by=True)
    yield from results


def _person_field(staff: StaffMember, name: str):
    if name == "team__path":
        return staff.team.path if staff.team_id else None
    return getattr(staff, name)
