"""HR's organisation report: per requirement, the share of people compliant, for a part of the organisation broken
down by the teams one level below it.

Live, it aggregates the status projection in SQL: one GROUP BY over the team subtree (a prefix match on the
materialised path). As at a past date it runs on one of two clocks (`basis`): "as it was" aggregates the status table
in effective time the same way, over the runs that held on that day; "as recorded then" counts the same figures from
the ledger and roster history as recorded by then (`compliance.asat`), kept once the day has ended.

The figures are counted team by team; the breakdown adds them up by the tree: as it is now live, as it stood on the
day on either clock about a past day (`people.team_history`), so a team moved since counts in the part of the
organisation it was in then and shows the name it had then.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, Sum

from portal.compliance import status
from portal.compliance.asat import Moment, standings_as_at, tree_as_at
from portal.compliance.models import Requirement, RequirementStatus, StatusInterval
from portal.compliance.requirement_history import requirements_in_force_on
from portal.people.models import Team, in_post_q
from portal.people.team_history import Tree, tree_now, tree_on

from .basis import AS_IT_WAS, AS_RECORDED
from .kept import day_has_ended, day_keep
from .models import DailyFigure


def compliance_target() -> int:
    return getattr(settings, "PORTAL_COMPLIANCE_TARGET", 95)


@dataclass
class Figure:
    """People a requirement applies to, how many hold a valid completion, and how many are overdue."""

    required: int = 0
    compliant: int = 0
    overdue: int = 0

    def add(self, other: "Figure") -> None:
        self.required += other.required
        self.compliant += other.compliant
        self.overdue += other.overdue

    @property
    def percent(self) -> int | None:
        """Whole percent, rounded down: 94.9% is not shown as meeting a 95% target."""
        return self.compliant * 100 // self.required if self.required else None

    @property
    def meets_target(self) -> bool:
        return self.required > 0 and self.compliant * 100 >= compliance_target() * self.required


@dataclass
class Group:
    """One row of the breakdown: a team one level below the part of the organisation shown (with everything below
    it), or the people placed directly in that part. Also one team on its own, for the worst teams."""

    team: Team
    direct: bool
    figures: dict[int, Figure] = field(default_factory=dict)
    within: Team | None = None  # for a team on its own: the row of the breakdown it is counted in

    @property
    def overall(self) -> Figure:
        """Every requirement together: what share of what is required is held."""
        total = Figure()
        for figure in self.figures.values():
            total.add(figure)
        return total

    def gap_order(self):
        """Furthest below the target first, then most overdue; a row requiring nothing last."""
        overall = self.overall
        percent = overall.percent
        return (
            percent is None,
            overall.compliant * 10_000 // overall.required if overall.required else 0,
            -overall.overdue,
            self.team.name,
        )


@dataclass
class RequirementLine:
    """One requirement across the part of the organisation shown, and the team furthest below the target on it."""

    requirement: Requirement
    figure: Figure
    worst: Group | None


@dataclass
class OrganisationReport:
    node: Team
    day: datetime.date
    requirements: list[Requirement]
    groups: list[Group]  # furthest below the target first
    totals: dict[int, Figure]
    target: int
    live: bool
    basis: str = AS_RECORDED
    by_requirement: list[RequirementLine] = field(default_factory=list)  # furthest below the target first
    worst_teams: list[Group] = field(default_factory=list)

    @property
    def overall(self) -> Figure:
        return Group(self.node, direct=False, figures=self.totals).overall


WORST_TEAMS = 5


def _valid(today: datetime.date) -> Q:
    return Q(completed_on__isnull=False) & (Q(expires_on__isnull=True) | Q(expires_on__gte=today))


def figures_live(node: Team | None, requirements, today: datetime.date, staff_group: str = "") -> dict[tuple, Figure]:
    """(team id, requirement id) -> Figure from the projection, for `node` and below (None: everyone in a team, in
    every organisation at the top of the tree, as the trend's month ends count them), in one query."""
    # Started by the day (a future starter keeps their status row, written when the roster added them, but counts
    # from their start date, as the report as it was and as recorded then count them) and not yet left.
    in_teams = Q(staff__team__isnull=False) if node is None else Q(staff__team__path__startswith=node.path)
    rows = RequirementStatus.objects.filter(in_teams, in_post_q(today, "staff__"), requirement__in=requirements)
    rows = rows.exclude(RequirementStatus.paused_on_q(today))  # a paused person is out of the figures
    if staff_group:
        rows = rows.filter(staff__staff_group=staff_group)
    valid = _valid(today)
    aggregated = (
        rows.values("staff__team_id", "requirement_id")
        .annotate(
            required=Count("pk"),
            compliant=Count("pk", filter=valid),
            overdue=Count("pk", filter=~valid & Q(due_on__lt=today)),
        )
        .order_by()
    )
    return {
        (row["staff__team_id"], row["requirement_id"]): Figure(row["required"], row["compliant"], row["overdue"])
        for row in aggregated
    }


def figures_as_at(
    node: Team, requirements, moment: Moment, staff_group: str = "", *, tree: Tree | None = None
) -> dict[tuple, Figure]:
    """The same figures as `figures_live`, counted from the ledger and roster history as at `moment`, for `node` and
    below in the tree as recorded by then (`tree`, read if not given)."""
    figures = defaultdict(Figure)
    window = getattr(settings, "PORTAL_DUE_SOON_DAYS", 30)
    people = standings_as_at(moment, teams=[node], staff_group=staff_group, requirements=requirements, tree=tree)
    for facts, standings in people:
        group = facts.team_id
        for requirement, standing in standings:
            state = standing.state(moment.day, window)
            if state == status.PAUSED:
                continue
            figure = figures[(group, requirement.pk)]
            figure.required += 1
            figure.compliant += standing.valid_on(moment.day)
            figure.overdue += state == status.OVERDUE
    return dict(figures)


def figures_as_it_was(
    node: Team, requirements, day: datetime.date, staff_group: str = "", *, tree: Tree | None = None
) -> dict[tuple, Figure]:
    """The same figures as `figures_live`, as it was on `day` from everything known now: the runs of the status table
    in effective time that held that day, in the team and staff group the roster had each person in then, for `node`
    and below as the tree stood that day (`tree`, read if not given: one query more). One query (a range on two
    indexed dates)."""
    tree = tree or tree_on(day)
    rows = StatusInterval.objects.filter(
        StatusInterval.on_q(day), tree.scope_q([node]), requirement_id__in=[r.pk for r in requirements]
    ).exclude(state=status.PAUSED)
    if staff_group:
        rows = rows.filter(staff_group=staff_group)
    aggregated = (
        rows.values("team_id", "requirement_id")
        .annotate(
            required=Count("pk"),
            compliant=Count("pk", filter=Q(compliant=True)),
            overdue=Count("pk", filter=Q(state=status.OVERDUE)),
        )
        .order_by()
    )
    return {
        (row["team_id"], row["requirement_id"]): Figure(row["required"], row["compliant"], row["overdue"])
        for row in aggregated
    }


def figures_kept(
    node: Team, requirements, day: datetime.date, staff_group: str = "", *, tree: Tree | None = None
) -> dict[tuple, Figure]:
    """The same figures again, for a day that has ended, from the figures kept for it (computed now if not yet), for
    `node` and below as the tree was recorded by the end of the day (`tree`, read if not given)."""
    day_keep(day)  # one query once the day is kept
    tree = tree or tree_as_at(Moment.end_of(day))
    rows = DailyFigure.objects.filter(tree.scope_q([node]), day=day, requirement_id__in=[r.pk for r in requirements])
    if staff_group:
        rows = rows.filter(staff_group=staff_group)
    aggregated = (
        rows.values("team_id", "requirement_id")
        .annotate(required=Sum("required"), compliant=Sum("compliant"), overdue=Sum("overdue"))
        .order_by()
    )
    return {
        (row["team_id"], row["requirement_id"]): Figure(row["required"], row["compliant"], row["overdue"])
        for row in aggregated
    }


def organisation_report(
    node: Team,
    *,
    as_at: datetime.date | None = None,
    today: datetime.date,
    requirement=None,
    staff_group: str = "",
    basis: str = AS_RECORDED,
) -> OrganisationReport:
    """The report for `node` and below: each requirement's figure with the team furthest below the target on it, the
    teams one level below ordered by their gap to the target, and the worst teams anywhere below. The figures are
    read team by team and added up here by the tree (as it is now live; as it stood on the day, on the same clock,
    about a past day), so it stays three queries live, whatever the size of the organisation. As at a past day,
    `basis` chooses the clock (`reports.basis`)."""
    requirements = requirements_listed(as_at, today, basis)
    if requirement is not None:
        requirements = [r for r in requirements if r.pk == requirement.pk]
    if as_at is None:
        tree = tree_now(Team.objects.filter(path__startswith=node.path))
        figures = figures_live(node, requirements, today, staff_group)
        day = today
    elif basis == AS_IT_WAS:
        tree = tree_on(as_at)
        figures = figures_as_it_was(node, requirements, as_at, staff_group, tree=tree)
        day = as_at
    elif day_has_ended(as_at):
        tree = tree_as_at(Moment.end_of(as_at))
        figures = figures_kept(node, requirements, as_at, staff_group, tree=tree)
        day = as_at
    else:  # today, as it stands so far: read from the ledger, not kept
        tree = tree_as_at(Moment.end_of(as_at))
        figures = figures_as_at(node, requirements, Moment.end_of(as_at), staff_group, tree=tree)
        day = as_at
    groups, own, totals = {}, {}, {r.pk: Figure() for r in requirements}
    for (team_id, requirement_id), figure in figures.items():
        group_id = tree.group_of(team_id, node.pk)
        if group_id is None:
            continue  # not under `node` in the tree read (not expected: the figures were read by the same tree)
        group = groups.setdefault(group_id, Group(team=tree.team(group_id), direct=group_id == node.pk))
        group.figures.setdefault(requirement_id, Figure()).add(figure)
        team = own.setdefault(team_id, Group(team=tree.team(team_id), direct=True, within=tree.team(group_id)))
        team.figures[requirement_id] = figure
        totals[requirement_id].add(figure)
    by_requirement = [RequirementLine(r, totals[r.pk], _worst_on(own.values(), r.pk)) for r in requirements]
    by_requirement.sort(key=lambda line: Group(node, False, {0: line.figure}).gap_order())
    below = [team for team in own.values() if team.overall.required and not team.overall.meets_target]
    return OrganisationReport(
        node,
        day,
        requirements,
        sorted(groups.values(), key=Group.gap_order),
        totals,
        compliance_target(),
        live=as_at is None,
        basis=AS_IT_WAS if basis == AS_IT_WAS else AS_RECORDED,
        by_requirement=by_requirement,
        worst_teams=sorted(below, key=Group.gap_order)[:WORST_TEAMS],
    )


def requirements_listed(as_at: datetime.date | None, today: datetime.date, basis: str) -> list[Requirement]:
    """The requirements the report lists, by name: live, those in use today; about a past day, those in force that
    day with their terms and name then, on the clock `basis` (`requirement_history`, as exports read them): one
    retired since is listed, one introduced since is not. One query, two about a past day when a requirement was
    changed after it."""
    if as_at is None:
        return list(Requirement.objects.in_use_on(today).order_by("name"))
    return requirements_in_force_on(as_at, cutoff=None if basis == AS_IT_WAS else Moment.end_of(as_at).cutoff)


def _worst_on(teams, requirement_id: int) -> Group | None:
    """The team furthest below the target on one requirement, or None if every team meets it."""
    below = [t for t in teams if (f := t.figures.get(requirement_id)) and f.required and not f.meets_target]
    return min(below, key=lambda t: Group(t.team, True, {0: t.figures[requirement_id]}).gap_order(), default=None)
