"""Standing as it was at a past moment, computed from the ledger and the roster history alone.

A report "as at D" reads only ledger rows recorded before the end of D (Europe/London), the re-attestation rounds
opened by then and each person's roster facts as last recorded by then (people.StaffChange). Nothing recorded later
can reach it, so what it says about D never changes. It judges each row with the same rule as the live projection
(`projection.standing_for`), so as at now it says exactly what the projection says.

Requirements are read with the terms they had then, as recorded by then (their teams, staff groups and job titles,
how often they renew, when they were introduced and retired, their level families: `requirement_history`): a
requirement changed since is judged by its terms then, and one added since is not read at all. A higher level's
evidence counts towards a lower one if they were levels of one family then: one that joined a family since is not
satisfied by its family's evidence about a day before, one that left it still is.

The part of the organisation read ("this team and below") is the tree as recorded by then (`people.team_history`):
a team moved since is counted where it stood, and callers name teams by the same tree (pass it as `tree`). Who a
requirement set for teams applies to is judged by the same tree: a team that was under one of its teams then, on
that day and on the days before it (the day someone joined its audience).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone

from portal.people.models import StaffChange, Team
from portal.people.team_history import Tree, TreeHistory, tree_on

from . import status
from .dates import add_months, end_of_local_day, local_day
from .intervals import histories, joined_on, lean_histories
from .models import EvidenceEntry, ReattestationRound, Requirement, levels_above_among
from .projection import entries_counting_for, standing_for, standing_from
from .requirement_history import changed_since, requirements_as_at, team_ids_of, with_history_marks

STREAM_CHUNK = 2000


@dataclass(frozen=True)
class Moment:
    """A point the records are read at: everything recorded before `cutoff`, judged as on `day`."""

    day: datetime.date
    cutoff: datetime.datetime

    @classmethod
    def end_of(cls, day: datetime.date) -> "Moment":
        return cls(day, end_of_local_day(day))

    @classmethod
    def now(cls) -> "Moment":
        moment = timezone.now()
        return cls(local_day(moment), moment)


@dataclass(frozen=True)
class StatusAsAt:
    """One person's standing on one requirement at a moment: the fields of a RequirementStatus row, read from the
    ledger instead of the projection."""

    staff_id: int
    requirement: Requirement
    completed_on: datetime.date | None
    expires_on: datetime.date | None
    due_on: datetime.date | None
    evidence: EvidenceEntry | None
    paused_from: datetime.date | None = None
    paused_until: datetime.date | None = None
    renew_from: datetime.date | None = None

    @property
    def requirement_id(self) -> int:
        return self.requirement.pk

    @property
    def evidence_id(self) -> int | None:
        return self.evidence.pk if self.evidence else None

    @property
    def standing(self) -> status.Standing:
        return status.Standing(
            True,
            self.completed_on,
            self.expires_on,
            self.due_on,
            self.paused_from,
            self.paused_until,
            self.renew_from,
        )

    def state(self, today: datetime.date, due_soon_days: int | None = None) -> str:
        if due_soon_days is None:
            due_soon_days = getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)
        return self.standing.state(today, due_soon_days)


def tree_as_at(moment: Moment) -> Tree:
    """The team tree as recorded by `moment` (one query)."""
    return tree_on(moment.day, recorded_before=moment.cutoff)


def roster_as_at(
    moment: Moment,
    *,
    teams: Iterable[Team] | None = None,
    staff_group: str = "",
    staff_ids: list[int] | None = None,
    tree: Tree | None = None,
):
    """Each person's last roster row recorded before `moment`, for people in post on its day (started by it, as the
    status table in effective time counts them, and not yet left: the leave date is the last day of service), in
    `teams` (and below, in the tree as recorded by then: `tree`, read here if not given) as the roster placed them
    then (or just `staff_ids`). Ordered by person."""
    latest = StaffChange.objects.filter(staff=OuterRef("staff"), recorded_at__lt=moment.cutoff).order_by(
        "-recorded_at", "-pk"
    )
    rows = StaffChange.objects.filter(
        recorded_at__lt=moment.cutoff, pk=Subquery(latest.values("pk")[:1]), start_date__lte=moment.day
    ).filter(Q(leave_date__isnull=True) | Q(leave_date__gte=moment.day))
    if teams is not None:
        rows = rows.filter((tree or tree_as_at(moment)).scope_q(teams))
    if staff_group:
        rows = rows.filter(staff_group=staff_group)
    if staff_ids is not None:
        rows = rows.filter(staff_id__in=staff_ids)
    return rows.select_related("staff", "team").order_by("staff_id")


def latest_valid_entries(moment: Moment, staff_ids=None):
    """For each (person, requirement), the latest completion recorded before `moment` and not voided by a correction
    recorded before it. One query, ordered by person then requirement."""
    voided = EvidenceEntry.objects.filter(voids=OuterRef("pk"), recorded_at__lt=moment.cutoff)
    entries = (
        EvidenceEntry.objects.filter(recorded_at__lt=moment.cutoff, completed_at__isnull=False)
        .exclude(source__in=[EvidenceEntry.VOID, EvidenceEntry.PAUSE])
        .exclude(Exists(voided))
    )
    if staff_ids is not None:
        entries = entries.filter(staff_id__in=staff_ids)
    ranked = entries.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("staff_id"), F("requirement_id")],
            order_by=[F("completed_at").desc(), F("seq").desc()],
        )
    )
    return (
        ranked.filter(rank=1)
        .select_related("snapshot", "recorded_by")
        .order_by("staff_id", "requirement_id")
        .defer("snapshot__text", "snapshot__sections")
    )


def pauses_as_at(moment: Moment, staff_ids=None) -> dict[tuple[int, int], list[status.Span]]:
    """(person, requirement) -> the pauses recorded before `moment` and not voided by a correction recorded before
    it, as (first day, last day). One query; pauses are few beside completions, so they are read whole."""
    voided = EvidenceEntry.objects.filter(voids=OuterRef("pk"), recorded_at__lt=moment.cutoff)
    rows = EvidenceEntry.objects.filter(recorded_at__lt=moment.cutoff, source=EvidenceEntry.PAUSE).exclude(
        Exists(voided)
    )
    if staff_ids is not None:
        rows = rows.filter(staff_id__in=staff_ids)
    pauses = defaultdict(list)
    for staff_id, requirement_id, first, last in rows.values_list(
        "staff_id", "requirement_id", "completed_at", "expires_on"
    ):
        pauses[(staff_id, requirement_id)].append((local_day(first), last))
    return pauses


class Facts(NamedTuple):
    """A person's roster facts as last recorded before a moment (a lean StaffChange row)."""

    staff_id: int
    team_id: int | None
    team_path: str | None
    staff_group: str
    start_date: datetime.date
    leave_date: datetime.date | None
    job_title: str


def standings_as_at(
    moment: Moment,
    *,
    teams: Iterable[Team] | None = None,
    staff_group: str = "",
    requirements: Iterable[Requirement] | None = None,
    tree: Tree | None = None,
) -> Iterator[tuple[Facts, list[tuple[Requirement, status.Standing]]]]:
    """`statuses_as_at` for counting: plain rows, no model instances, no evidence details. The same queries and the
    same rule (`projection.standing_from`); what the organisation report and the trend use."""
    requirements, team_paths, rounds, above, team_ids = _requirements_and_rounds(moment, requirements)
    tree = _tree(moment, tree, teams, team_ids)
    places = tree.history if tree is not None else None
    roster = roster_as_at(moment, teams=teams, staff_group=staff_group, tree=tree)
    scoped = teams is not None or bool(staff_group)
    entries = (
        latest_valid_entries(moment, staff_ids=Subquery(roster.values("staff_id")) if scoped else None)
        .annotate(day=TruncDate("completed_at", tzinfo=timezone.get_current_timezone()))
        .values_list("staff_id", "requirement_id", "day", "expires_on", "snapshot_id", "completed_at", "seq")
    )
    pauses = pauses_as_at(moment, staff_ids=Subquery(roster.values("staff_id")) if scoped else None)
    entry_stream = iter(entries.iterator(chunk_size=STREAM_CHUNK))
    pending = next(entry_stream, None)
    for row, history, paths in lean_histories(roster, moment.cutoff, places):  # each person with their roster rows
        facts = Facts(*row)
        place = places.place(facts.team_id, moment.day) if places is not None else None
        mine = {}
        while pending is not None and pending[0] <= facts.staff_id:
            if pending[0] == facts.staff_id:
                mine[pending[1]] = pending
            pending = next(entry_stream, None)
        standings = []
        for requirement in requirements:
            applies = requirement.applies_to_values(
                facts.staff_group,
                facts.team_path,
                team_paths[requirement.pk],
                job_title=facts.job_title,
                place=place,
                team_ids=team_ids[requirement.pk],
            )
            latest = _latest_counting(requirement, mine, above)
            standing = standing_from(
                requirement,
                on=moment.day,
                applies=applies,
                start_date=facts.start_date,
                completed_on=latest[2] if latest else None,
                completed_at=latest[5] if latest else None,
                entry_expires_on=latest[3] if latest else None,
                snapshot_id=latest[4] if latest else None,
                rounds=rounds[requirement.pk],
                pauses=pauses.get((facts.staff_id, requirement.pk), ()),
                joined_on=joined_on(
                    history, paths, requirement, team_paths[requirement.pk], moment.day, team_ids[requirement.pk]
                ),
            )
            if standing.required:
                standings.append((requirement, standing))
        yield facts, standings


def _requirements_and_rounds(moment: Moment, requirements):
    # Every requirement is read (one query, as the few asked for would be), for the level families of the day.
    read = list(with_history_marks(Requirement.objects.prefetch_related("teams")))
    wanted = None if requirements is None else {r.pk for r in requirements}
    asked = read if wanted is None else [r for r in read if r.pk in wanted]
    # One of them was in a level family on the day if it is in one now or has changed since: only then are the
    # others' terms then needed, in the same query as its own (so that never costs a query more than it did).
    levelled = any(r.level_family or changed_since(r, moment.day, moment.cutoff) for r in asked)
    # Their terms as they stood on the day, as recorded by the cut-off (one query, only if one changed since).
    then = requirements_as_at(read if levelled else asked, moment.day, moment.cutoff)
    requirements = [r for r in then if (wanted is None or r.pk in wanted) and r.in_force_on(moment.day)]
    requirements.sort(key=lambda r: r.name)
    # A requirement's teams then are known by id (`kept_team_ids`), and judged by the tree as recorded then.
    team_paths = {r.pk: [] if hasattr(r, "kept_team_ids") else [t.path for t in r.teams.all()] for r in requirements}
    team_ids = {r.pk: team_ids_of(r) for r in requirements}
    rounds = defaultdict(list)
    with_rounds = [r.pk for r in requirements if r.kind in Requirement.ROUND_KINDS]
    # As the portal knew them then: opened by the cut-off, those withdrawn by it marked (`RoundQuerySet.known`).
    known = ReattestationRound.objects.known(recorded_before=moment.cutoff)
    for round_ in known.filter(requirement_id__in=with_rounds):
        rounds[round_.requirement_id].append(round_)
    # The families as they stood on the day: a higher level's evidence counts if it was a higher level then (one
    # retired or not yet introduced then too, as today's families count one retired).
    above = levels_above_among(then) if any(r.level_family for r in requirements) else {}
    return requirements, team_paths, rounds, above, team_ids


def _tree(moment: Moment, tree: Tree | None, teams, team_ids: dict[int, set[int]]) -> Tree | None:
    """The tree as recorded by `moment` (the caller's, or read here, one query, when a part of the organisation is
    read or a requirement is set for teams); None when neither needs it."""
    if tree is None and (teams is not None or any(team_ids.values())):
        tree = tree_as_at(moment)
    return tree


def _latest_counting(requirement: Requirement, mine: dict, above: dict):
    """`projection.entries_counting_for` on the rows `standings_as_at` reads: the latest of the requirement's own
    entry and its higher levels' (by completion, then ledger order, as `standing_for` chooses), as (staff,
    requirement, day, expiry, snapshot, ...), a higher level's expiry defaulting to its own renewal period."""
    candidates = [(mine[requirement.pk], requirement)] if requirement.pk in mine else []
    candidates += [(mine[higher.pk], higher) for higher in above.get(requirement.pk, ()) if higher.pk in mine]
    if not candidates:
        return None
    row, source = max(candidates, key=lambda candidate: (candidate[0][5], candidate[0][6]))
    if source is requirement or row[3] or not source.renewal_months:
        return row
    return (*row[:3], add_months(row[2], source.renewal_months), *row[4:])


def statuses_as_at(
    moment: Moment,
    *,
    teams: Iterable[Team] | None = None,
    staff_group: str = "",
    requirements: Iterable[Requirement] | None = None,
    staff_ids: list[int] | None = None,
    tree: Tree | None = None,
) -> Iterator[tuple[StaffChange, list[StatusAsAt]]]:
    """Yield (roster row, standings) for every person in scope at `moment`, in person order, with a standing for each
    requirement that applied to them then. A constant number of queries, whatever the size of the organisation:
    both streams are read in chunks and merged by person, so memory stays flat too."""
    requirements, team_paths, rounds, above, team_ids = _requirements_and_rounds(moment, requirements)
    tree = _tree(moment, tree, teams, team_ids)
    places: TreeHistory | None = tree.history if tree is not None else None
    roster = roster_as_at(moment, teams=teams, staff_group=staff_group, staff_ids=staff_ids, tree=tree)
    scoped = teams is not None or bool(staff_group) or staff_ids is not None
    entries = latest_valid_entries(moment, staff_ids=Subquery(roster.values("staff_id")) if scoped else None)
    pauses = pauses_as_at(moment, staff_ids=Subquery(roster.values("staff_id")) if scoped else None)
    entry_stream = iter(entries.iterator(chunk_size=STREAM_CHUNK))
    pending = next(entry_stream, None)
    for facts, history, paths in histories(roster, moment.cutoff, places):  # each person with their roster rows
        place = places.place(facts.team_id, moment.day) if places is not None else None
        mine = {}
        while pending is not None and pending.staff_id <= facts.staff_id:
            if pending.staff_id == facts.staff_id:
                mine[pending.requirement_id] = pending
            pending = next(entry_stream, None)
        rows = []
        mine = {pk: [entry] for pk, entry in mine.items()}
        for requirement in requirements:
            counting = entries_counting_for(requirement, mine, above)
            standing, evidence = standing_for(
                facts,
                requirement,
                counting,
                rounds[requirement.pk],
                team_paths[requirement.pk],
                today=moment.day,
                pauses=pauses.get((facts.staff_id, requirement.pk), ()),
                joined_on=joined_on(
                    history, paths, requirement, team_paths[requirement.pk], moment.day, team_ids[requirement.pk]
                ),
                place=place,
                team_ids=team_ids[requirement.pk],
            )
            if standing.required:
                rows.append(
                    StatusAsAt(
                        facts.staff_id,
                        requirement,
                        standing.completed_on,
                        standing.expires_on,
                        standing.due_on,
                        evidence,
                        standing.paused_from,
                        standing.paused_until,
                        standing.renew_from,
                    )
                )
        yield facts, rows
