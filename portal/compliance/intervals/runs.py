"""A person's runs in effective time on one requirement (`runs_for`), by the rules of the requirements (`Rules`): their
terms and level families over time, from their history."""

import bisect
import dataclasses
import datetime
import functools
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from portal.people.history import Period

from .. import status
from ..dates import local_day
from ..models import EvidenceEntry, ReattestationRound, Requirement, RequirementChange, StatusInterval
from ..projection import standing_from
from ..requirement_history import (
    ALWAYS,
    histories_for,
    holding,
    levels_by_day,
    levels_on,
    spans_of,
    team_ids_of,
    with_history_marks,
)
from .roster import (
    Roster,
)

ONE_DAY = datetime.timedelta(days=1)

# A requirement's history rows, by its id (`requirement_history.histories_for`); None when none has changed.
Histories = dict[int, list[RequirementChange]] | None


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


def runs_for(
    *,
    start_date: datetime.date,
    leave_date: datetime.date | None,
    periods: tuple[Period, ...] = (),
    roster: Roster,
    requirement: Requirement,
    team_paths: list[str],
    paths: dict[int, str],
    counting: list[EvidenceEntry],
    team_ids: Collection[int] = (),
    pauses: list[status.Span],
    rounds: list,
    due_soon_days: int,
) -> list[Run]:
    """The runs of one person on one requirement, from everything known now. `counting` are the completions that
    count towards it (`projection.entries_counting_for` of the valid ones), `pauses` its pauses that stand. Whether
    the requirement's teams take the person in is read from the tree of each day when the roster was read with the
    tree's history (its facts name their team's place, and `team_ids` are the requirement's teams), else from the
    teams' paths now (`team_paths`, `paths`).

    The standing (dates, whether it applies, the pause shown) changes only on the days a fact takes effect (the
    "base" days), so it is worked out once for each; between them only the state moves on with the calendar (due
    soon, overdue, expired), on days that standing names.

    The person is in post in each of their `periods` of employment (`people.history.employment_periods`; just
    `start_date` to `leave_date` when none are given), and judged in each as a starter from its first day: someone
    who left and came back is a new starter again, their completions from before counting as the requirement's
    renewal rules say, as a new starter's from a previous post do (the live row's rule, from their start date now)."""
    periods = periods or ((start_date, leave_date),)
    period_starts = [first for first, _ in periods]
    audience = {
        facts: requirement.applies_to_values(
            facts.staff_group,
            paths.get(facts.team_id),
            team_paths,
            job_title=facts.job_title,
            place=facts.place,
            team_ids=team_ids,
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
        # The period begun by then (before the first, the first): in post if it has not ended.
        started, left = periods[max(0, bisect.bisect_right(period_starts, day) - 1)]
        in_post = started <= day and (left is None or day <= left)
        done = bisect.bisect_right(completion_days, day)
        latest = completions[done - 1][1] if done else None
        standing = standing_from(
            requirement,
            on=day,
            applies=in_post and audience[facts],
            start_date=started,
            joined_on=roster.audience_since(audience.__getitem__, day),
            completed_on=completion_days[done - 1] if done else None,
            completed_at=latest.completed_at if latest else None,
            entry_expires_on=latest.expires_on if latest else None,
            snapshot_id=latest.snapshot_id if latest else None,
            rounds=rounds[: bisect.bisect_right(round_days, day)],
            pauses=pauses,
        )
        return facts, standing

    base = {*period_starts, requirement.introduced_on, *roster.days[1:], *round_days, *completion_days}
    for first, last in [*pauses, *periods]:
        base.add(first)
        if last is not None:
            base.add(_shift(last, ONE_DAY))
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
    counts towards them (theirs and their families' higher levels, then and now), each one's teams (their paths now,
    and their ids) and re-attestation rounds, the levels above each (today's, or the last known at a cut-off), and the
    "due soon" window."""

    requirements: list[Requirement]
    counted: set[int]
    team_paths: dict[int, list[str]]
    rounds: dict[int, list]
    above: dict[int, list[Requirement]]
    window: int
    team_ids: dict[int, set[int]]
    # The requirements whose terms changed over time (`RequirementChange`): each stretch's first day and the
    # requirement's terms over it, the first from the beginning of time. Their runs are worked out stretch by stretch.
    history: dict[int, list[tuple[datetime.date, Requirement]]] = field(default_factory=dict)
    # The requirements whose higher levels changed over time (they, or another level, joined or left the family,
    # changed level or renewal period): each stretch's first day and the higher levels over it, from the beginning of
    # time (`requirement_history.levels_by_day`). On a stretch, the evidence that counts is that of its higher levels.
    levels: dict[int, list[tuple[datetime.date, list[Requirement]]]] = field(default_factory=dict)

    def above_on(self, day: datetime.date) -> dict[int, list[Requirement]]:
        """The higher levels of each requirement's family on `day`, as the runs count them."""
        return {**self.above, **levels_on(self.levels, day)}

    @functools.cached_property
    def stretches(self) -> dict[int, list[tuple[datetime.date, Requirement, list[Requirement]]]]:
        """For each requirement whose terms or higher levels changed over time: (first day, its terms, its higher
        levels) for each stretch over which neither changed, the first from the beginning of time."""
        found = {}
        for requirement in self.requirements:
            spans = self.history.get(requirement.pk)
            levels = self.levels.get(requirement.pk)
            if spans is None and levels is None:
                continue
            spans = spans or [(ALWAYS, requirement)]
            levels = levels or [(ALWAYS, self.above.get(requirement.pk, []))]
            days = sorted({first for first, _ in spans} | {first for first, _ in levels})
            found[requirement.pk] = [(day, holding(spans, day), holding(levels, day)) for day in days]
        return found

    @property
    def by_team(self) -> bool:
        """Whether any of the requirements is, or was, set for teams: only then does the tree's history matter."""
        return any(self.team_ids.values()) or any(
            team_ids_of(version) for spans in self.history.values() for _, version in spans
        )


def _histories(requirements: list[Requirement], recorded_before: datetime.datetime | None) -> Histories:
    """The history rows of those of `requirements` that have changed (or were changed since `recorded_before`), known
    by `recorded_before` (`requirement_history.histories_for`). One query when one has, none when not; one more for
    requirements not read through `with_history_marks`."""
    marked = requirements
    if not all(hasattr(r, "history_rows") for r in requirements):
        # Read afresh, not written on the caller's instances: one kept and saved again would keep stale marks.
        marked = list(with_history_marks(Requirement.objects.filter(pk__in=[r.pk for r in requirements])))
    return histories_for(marked, since=None, recorded_before=recorded_before)


def _spans(requirement: Requirement, rows: list | None, recorded_before: datetime.datetime | None) -> list | None:
    """The requirement's terms day by day from its history `rows` (None: unchanged, `[]`: not known at the cut-off,
    None returned); with everything known, the last stretch is the requirement as it is now."""
    if rows is None:
        return [(ALWAYS, requirement)]
    if not rows:
        return None
    spans = spans_of(rows)
    if recorded_before is None:
        spans[-1] = (spans[-1][0], requirement)
    return spans


def _with_history(rules: Rules, recorded_before: datetime.datetime | None, histories: Histories) -> Rules | None:
    """`rules` with the terms each requirement had over time (`compliance.requirement_history`), from `histories`
    (`_histories`: as everything known now says, or from the rows recorded before `recorded_before`): a requirement
    not known then is left out, and one with the same terms throughout is read as they were. With everything known,
    the last stretch is the requirement as it is now (the live status row's). No query."""
    if not histories:
        return rules
    kept, history, team_paths, team_ids = [], {}, dict(rules.team_paths), dict(rules.team_ids)
    for requirement in rules.requirements:
        rows = histories.get(requirement.pk)
        if rows is None:
            kept.append(requirement)
            continue
        spans = _spans(requirement, rows, recorded_before)
        if spans is None:
            continue  # not known at the cut-off
        last = spans[-1][1]  # named by its last terms known
        kept.append(last)
        if last is not requirement:
            team_paths[requirement.pk], team_ids[requirement.pk] = [], team_ids_of(last)
        if len(spans) > 1:
            history[requirement.pk] = spans
    if not kept:
        return None
    return dataclasses.replace(rules, requirements=kept, team_paths=team_paths, team_ids=team_ids, history=history)


def rules_for(
    requirement_ids: Iterable[int] | None = None, recorded_before: datetime.datetime | None = None
) -> Rules | None:
    """The Rules of some requirements (all when None, and the lower levels of their families, which their evidence
    also satisfies), or None when there are none. Their rounds, those withdrawn marked (one asks nothing, but still
    releases: `projection.standing_from`); with `recorded_before`, as known then: opened before that moment, withdrawn
    if before it (`RoundQuerySet.known`).
    Requirements' terms over time from their history (`_with_history`), and their level families over time
    (`requirement_history.levels_by_day`), as known then. Three queries, one more when a requirement's terms have
    changed."""
    known = Prefetch("rounds", queryset=ReattestationRound.objects.known(recorded_before))
    requirements = list(with_history_marks(Requirement.objects.prefetch_related("teams", known)))
    histories = _histories(requirements, recorded_before)
    spans = {r.pk: _spans(r, (histories or {}).get(r.pk), recorded_before) for r in requirements}
    levels = levels_by_day({pk: kept for pk, kept in spans.items() if kept is not None})
    above = {pk: stretches[-1][1] for pk, stretches in levels.items()}  # today's, or the last known at the cut-off
    if requirement_ids is not None:
        wanted = set(requirement_ids)
        wanted |= {pk for pk, stretches in levels.items() if any(h.pk in wanted for _, high in stretches for h in high)}
        requirements = [r for r in requirements if r.pk in wanted]
    if not requirements:
        return None
    rounds = {}
    for requirement in requirements:
        rounds[requirement.pk] = list(requirement.rounds.all()) if requirement.kind in Requirement.ROUND_KINDS else []
    rules = Rules(
        requirements=requirements,
        counted={r.pk for r in requirements}
        | {h.pk for r in requirements for _, high in levels.get(r.pk, ()) for h in high},
        team_paths={r.pk: [t.path for t in r.teams.all()] for r in requirements},
        rounds=rounds,
        above=above,
        window=getattr(settings, "PORTAL_DUE_SOON_DAYS", 30),
        team_ids={r.pk: {t.pk for t in r.teams.all()} for r in requirements},
        levels={r.pk: levels[r.pk] for r in requirements if len(levels.get(r.pk, ())) > 1},
    )
    return _with_history(rules, recorded_before, histories)


def requirements_read(queryset: QuerySet) -> list[Requirement]:
    """The requirements of `queryset`, with what `rules_of` reads of them prefetched: the teams of those that do not
    apply to everyone, and the re-attestation rounds of those that have any (a round is opened only by a material
    change of policy, so most have none; whether one has any comes with the requirement). One query for the
    requirements, then one for teams and one for rounds only when a requirement needs them. A withdrawn round asks
    nothing, so a requirement whose every round was withdrawn reads none; one with a round in force reads the withdrawn
    ones too, marked (`RoundQuerySet.known`): they still release (`projection.standing_from`)."""
    in_force = ReattestationRound.objects.in_force()
    has_rounds = Exists(in_force.filter(requirement=OuterRef("pk")))
    requirements = list(with_history_marks(queryset.annotate(has_rounds=has_rounds)))
    prefetch_related_objects([r for r in requirements if not r.applies_to_everyone], "teams")
    known = ReattestationRound.objects.known()  # withdrawn ones too: they still release (`standing_from`)
    prefetch_related_objects([r for r in requirements if r.has_rounds], Prefetch("rounds", queryset=known))
    # Those known to have none: an empty queryset, which runs no query.
    none = Prefetch("rounds", queryset=ReattestationRound.objects.none())
    prefetch_related_objects([r for r in requirements if not r.has_rounds], none)
    return requirements


def _rounds_of(requirement: Requirement) -> list:
    """Its rounds as `requirements_read` prefetched them, else read here (one query), withdrawn ones marked
    (`RoundQuerySet.known`): read plainly, a withdrawn round would ask again."""
    if requirement.kind not in Requirement.ROUND_KINDS:
        return []
    if "rounds" in getattr(requirement, "_prefetched_objects_cache", {}):
        return list(requirement.rounds.all())
    return list(ReattestationRound.objects.known().filter(requirement=requirement))


def rules_of(requirements: list[Requirement]) -> Rules:
    """The Rules of requirements already read, none of them in a level family (`rules_for` reads a family's levels):
    their teams and rounds as prefetched (`requirements_read`; a query for each when not), and none read where they
    cannot count: the teams of a requirement that applies to everyone, the rounds of a kind no round reopens. One that
    was in a level family once (its history says so) is read by `rules_for`: its runs then count its family's
    evidence, and its evidence counted for the levels below it."""
    rules = Rules(
        requirements=requirements,
        counted={r.pk for r in requirements},
        team_paths={r.pk: [] if r.applies_to_everyone else [t.path for t in r.teams.all()] for r in requirements},
        rounds={r.pk: _rounds_of(r) for r in requirements},
        above={},
        window=getattr(settings, "PORTAL_DUE_SOON_DAYS", 30),
        team_ids={r.pk: set() if r.applies_to_everyone else {t.pk for t in r.teams.all()} for r in requirements},
    )
    histories = _histories(requirements, None)
    if histories and any(row.level_family for rows in histories.values() for row in rows):
        return rules_for([r.pk for r in requirements])
    return _with_history(rules, None, histories)


def counting_on(counting: Iterable[EvidenceEntry], day: datetime.date, zone=None) -> EvidenceEntry | None:
    """Of the completions that count (`Reading.counting`), the one a run holding `day` rests on: the latest done by
    then, by completion time and then ledger order, as `runs_for` takes it. `zone`: the current time zone, when the
    caller has it (looking it up is most of the time this takes)."""
    zone = zone or timezone.get_current_timezone()
    done = [e for e in counting if e.completed_at is not None and e.completed_at.astimezone(zone).date() <= day]
    return max(done, key=_completion_order, default=None)


def _completion_order(entry: EvidenceEntry) -> tuple:
    return (entry.completed_at, entry.seq if entry.seq is not None else math.inf)
