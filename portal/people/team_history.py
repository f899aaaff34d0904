"""The team tree's history (`TeamChange`): writing it as teams change, and reading the tree as it was on a day.

A report about a past day names each team as it was then and counts, for a chosen team, the people who were in it or
in a team under it as the tree stood that day. The read is `tree_on`, on either clock:

- as it was on a day: every row known now; of a team's rows in effect by the day, the one recorded last;
- as recorded then (or as it was from the facts recorded before a cut-off, as an evidence pack reads): the same, from
  the rows recorded before the cut-off.

A team's first row stands for the time before it (as a person's first roster row does): a team the roster placed
someone in before the portal added it is where its first row puts it. A team with no row at all (made before the
history, or outside `compliance.organisation`, as tests and benchmarks do) is read as it is now. The tree is small
(a few thousand teams at most): one query reads it whole with its history, the rest is Python.

Reads that span many days (a person's runs in effective time: who a requirement set for a team applied to, day by
day) take the whole history, `tree_history`: the tree on any day, and each team's `place` (its id and those of the
teams above it) from day to day.
"""

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .models import Team, TeamChange

# A row kept from before the tree had a history took effect before any day a report asks about.
ALWAYS = datetime.date.min


@dataclass(frozen=True)
class TeamThen:
    """A team as it stood on the day read."""

    pk: int
    name: str
    code: str
    kind: str
    parent_id: int | None
    closed_on: datetime.date | None


def _state(team: Team, parent_id: int | None) -> dict:
    return {
        "name": team.name,
        "code": team.code,
        "kind": team.kind,
        "closed_on": team.closed_on,
        "parent_id": parent_id,
    }


def _parent_path(team: Team) -> str:
    return team.path[: -Team.steplen]


def team_state(team: Team) -> dict:
    """A team's fields as a history row keeps them, its parent found from its path (one query)."""
    parent_path = team.path[: -Team.steplen]
    parent_id = Team.objects.filter(path=parent_path).values_list("pk", flat=True).first() if parent_path else None
    return _state(team, parent_id)


def team_change_record(
    team: Team,
    *,
    parent_id: int | None,
    effective_on: datetime.date | None,
    before: dict | None = None,
    at: datetime.datetime | None = None,
) -> TeamChange:
    """Append `team`'s state now (its fields, under `parent_id`) as taking effect on `effective_on`, recorded `at`
    (default now). Call it in the transaction that changes the team. `before` is the team's state before this change
    (`team_state`): if the team has no history yet, a first row keeps it (effective always, before this change), so
    that a report about an earlier day still names the team as it was."""
    at = at or timezone.now()
    if before is not None and not TeamChange.objects.filter(team=team).exists():
        TeamChange.objects.create(team=team, recorded_at=at, effective_on=None, **before)
    return TeamChange.objects.create(team=team, recorded_at=at, effective_on=effective_on, **_state(team, parent_id))


def team_history_begin(teams: Iterable[Team], at: datetime.datetime | None = None) -> int:
    """A first row (effective always) for each of `teams` with no history yet, from its state now: the demo loader's
    tree, which stands for all its history. Returns rows added. Two queries, whatever the number of teams."""
    teams = list(teams)
    at = at or timezone.now()
    kept = set(TeamChange.objects.filter(team__in=teams).values_list("team_id", flat=True))
    by_path = {team.path: team.pk for team in Team.objects.only("pk", "path")}
    rows = [
        TeamChange(team=team, recorded_at=at, effective_on=None, **_state(team, by_path.get(_parent_path(team))))
        for team in teams
        if team.pk not in kept
    ]
    TeamChange.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


class Tree:
    """The team tree as it stood on a day (`tree_on`): each team's name, code and parent then, and which teams were
    under which. Teams not known by then (added after the cut-off read) are not in it."""

    def __init__(
        self, teams: dict[int, TeamThen], now: dict[int, tuple[str, int]], history: "TreeHistory | None" = None
    ):
        self.teams = teams
        self.history = history  # the history it was read from (`tree_on`), None for the tree now (`tree_now`)
        self._now = now  # pk -> (path, depth) as the tree is now, to make Team instances
        self._children: dict[int, list[int]] = defaultdict(list)
        self._made: dict[int, Team] = {}
        for team in teams.values():
            if team.parent_id is not None and team.parent_id in teams:
                self._children[team.parent_id].append(team.pk)

    def __contains__(self, team_id) -> bool:
        return team_id in self.teams

    def name(self, team_id: int | None) -> str:
        """The team's name then ("" for no team)."""
        team = self.teams.get(team_id)
        return team.name if team is not None else ""

    def under(self, teams: Iterable[Team | int]) -> set[int]:
        """The ids of `teams` and of every team below them then."""
        found: set[int] = set()
        stack = [team.pk if isinstance(team, Team) else team for team in teams]
        stack = [pk for pk in stack if pk in self.teams]
        while stack:
            pk = stack.pop()
            if pk not in found:
                found.add(pk)
                stack.extend(self._children.get(pk, ()))
        return found

    def scope_q(self, teams: Iterable[Team | int], field: str = "team_id") -> Q:
        """A filter on `field` (a team's id) for `teams` and below then: a list of ids, or just "in a team" when
        that is the whole tree (HR's report on the whole organisation needs no list of every team)."""
        ids = self.under(teams)
        if ids and len(ids) == len(self.teams):
            return Q(**{f"{field}__isnull": False})
        return Q(**{f"{field}__in": sorted(ids)})

    def ancestry(self, team_id: int) -> list[int]:
        """The team's ancestors then and the team itself, from the top of the tree down."""
        chain, seen = [], set()
        while team_id is not None and team_id in self.teams and team_id not in seen:
            seen.add(team_id)
            chain.append(team_id)
            team_id = self.teams[team_id].parent_id
        return chain[::-1]

    def group_of(self, team_id: int, node_id: int) -> int | None:
        """Of the teams one level below `node_id` then, the one `team_id` was in (or `node_id` itself, for a team
        placed directly in it); None if it was not under `node_id`."""
        chain = self.ancestry(team_id)
        if node_id not in chain:
            return None
        index = chain.index(node_id)
        return chain[index + 1] if index + 1 < len(chain) else node_id

    def team(self, team_id: int) -> Team:
        """A Team (unsaved copy, not for writing) with the name, code, kind and closing day it had then, and its
        depth and number of child teams then; `path` is its path now, `tree_order` its place in tree order then
        (`order`), to sort by."""
        if team_id in self._made:
            return self._made[team_id]
        then = self.teams[team_id]
        path, _ = self._now.get(team_id, ("", 0))
        self._made[team_id] = Team(
            pk=then.pk,
            name=then.name,
            code=then.code,
            kind=then.kind,
            closed_on=then.closed_on,
            path=path,
            depth=len(self.ancestry(team_id)),
            numchild=len(self._children.get(team_id, ())),
        )
        self._made[team_id].tree_order = self.order(team_id)
        return self._made[team_id]

    def order(self, team_id: int) -> tuple:
        """A key that sorts teams in tree order then (parents first, siblings by name)."""
        return tuple((self.teams[pk].name, pk) for pk in self.ancestry(team_id))


def tree_now(teams=None) -> Tree:
    """The tree as it is now, as a `Tree` (of `teams`, a queryset of Team, default every team): for live pages that
    share code with the pages about a past day. One query, no history."""
    rows = (teams if teams is not None else Team.objects.all()).values_list(
        "pk", "name", "code", "kind", "closed_on", "path", "depth"
    )
    rows = list(rows)
    by_path = {row[5]: row[0] for row in rows}
    teams_then = {
        pk: TeamThen(pk, name, code, kind, by_path.get(path[: -Team.steplen]), closed_on)
        for pk, name, code, kind, closed_on, path, _ in rows
    }
    return Tree(teams_then, {row[0]: (row[5], row[6]) for row in rows})


TREE_FIELDS = (
    "pk",
    "name",
    "code",
    "kind",
    "closed_on",
    "path",
    "depth",
    "history__pk",
    "history__recorded_at",
    "history__effective_on",
    "history__name",
    "history__code",
    "history__kind",
    "history__parent_id",
    "history__closed_on",
)

Place = tuple[int, ...]  # a team's id and those of the teams above it on a day, from the top of the tree down


class TreeHistory:
    """The tree's history on one clock, read once (`tree_history`): the tree as it stood on any day (`on`), and where
    each team stood from day to day (`place`, `place_days`), for reads that span many days (a person's runs in
    effective time judge each day by the tree of that day)."""

    def __init__(self, now: dict[int, tuple], states: dict[int, tuple[list, list]]):
        self._now = now  # pk -> (path, depth) as the tree is now
        self._states = states  # pk -> (days, states): from each day on (the first: always), (name, code, ...)
        self._trees: dict[datetime.date, Tree] = {}
        self._place_days: dict[int, list[datetime.date]] = {}

    def _state(self, team_id: int, day: datetime.date) -> tuple | None:
        known = self._states.get(team_id)
        if known is None:
            return None
        days, states = known
        return states[max(0, bisect.bisect_right(days, day) - 1)]

    def on(self, day: datetime.date) -> "Tree":
        """The tree as it stood on `day` (no query)."""
        if day not in self._trees:
            teams = {pk: TeamThen(pk, *self._state(pk, day)) for pk in self._states}
            self._trees[day] = Tree(teams, self._now, history=self)
        return self._trees[day]

    def place(self, team_id: int | None, day: datetime.date) -> Place:
        """The team's id and those of the teams above it on `day`, from the top down; empty for no team, or for one
        not known then."""
        chain, seen = [], set()
        while team_id is not None and team_id not in seen:
            state = self._state(team_id, day)
            if state is None:
                break
            seen.add(team_id)
            chain.append(team_id)
            team_id = state[3]
        return tuple(chain[::-1])

    def place_days(self, team_id: int | None) -> list[datetime.date]:
        """The days on which the team's place (`place`) may have changed: the days any team it was ever below
        changed, its own included. A few days at most, whatever the size of the tree."""
        if team_id is None:
            return []
        if team_id not in self._place_days:
            days, seen, stack = set(), set(), [team_id]
            while stack:
                pk = stack.pop()
                if pk in seen or pk not in self._states:
                    continue
                seen.add(pk)
                changes, states = self._states[pk]
                days.update(changes[1:])
                stack.extend(state[3] for state in states if state[3] is not None)
            self._place_days[team_id] = sorted(days)
        return self._place_days[team_id]


def tree_history(*, recorded_before: datetime.datetime | None = None) -> TreeHistory:
    """The tree's history from every row (as it was), or from the rows recorded before `recorded_before` (as recorded
    then: the cut-off of the `compliance.asat.Moment` read). On a day, of a team's rows known then and in effect by
    the day, the one recorded last; before its first row's day, its first row. A team with no row is as it is now
    on every day; one whose every row was recorded after the cut-off is not in it. One query."""
    now_rows, history = {}, defaultdict(list)
    for pk, name, code, kind, closed_on, path, depth, row_pk, recorded_at, effective_on, *row in Team.objects.order_by(
        "path"
    ).values_list(*TREE_FIELDS):
        now_rows[pk] = (path, depth, name, code, kind, closed_on)
        if row_pk is not None:
            history[pk].append((recorded_at, row_pk, effective_on or ALWAYS, row))
    by_path = {path: pk for pk, (path, *_) in now_rows.items()}
    states = {}
    for pk, (path, _, name, code, kind, closed_on) in now_rows.items():
        rows = history.get(pk)
        if not rows:
            states[pk] = ([ALWAYS], [(name, code, kind, by_path.get(path[: -Team.steplen]), closed_on)])
            continue
        known = [r for r in rows if r[2] == ALWAYS or recorded_before is None or r[0] < recorded_before]
        if not known:
            continue  # added after the cut-off
        known.sort(key=lambda r: (r[0], r[1]))
        first = min(known, key=lambda r: (r[2], r[0], r[1]))
        days, chosen = [ALWAYS], [_then(first)]
        for day in sorted({r[2] for r in known} - {ALWAYS}):
            days.append(day)
            chosen.append(_then([r for r in known if r[2] <= day][-1]))
        if first[2] == ALWAYS:  # a row in effect always: the first state is the last recorded of those
            chosen[0] = _then([r for r in known if r[2] == ALWAYS][-1])
        states[pk] = (days, chosen)
    return TreeHistory({pk: (row[0], row[1]) for pk, row in now_rows.items()}, states)


def _then(row: tuple) -> tuple:
    name, code, kind, parent_id, closed_on = row[3]
    return (name, code, kind, parent_id, closed_on)


def tree_on(day: datetime.date, *, recorded_before: datetime.datetime | None = None) -> Tree:
    """The tree as it stood on `day`: from every history row (as it was), or from the rows recorded before
    `recorded_before` (as recorded then: pass the cut-off of the `compliance.asat.Moment` read). Of a team's rows
    known then and in effect by `day`, the one recorded last; before its first row's day, its first row. One query.
    The tree keeps its history (`Tree.history`), for reads that span the days before."""
    return tree_history(recorded_before=recorded_before).on(day)
