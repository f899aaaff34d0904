"""The manager's view: people in their teams (and the teams below) by requirement, as they stand today, arranged to
answer "whom do I chase?": who owes what and by when, and each requirement's figure against the target."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import Requirement, RequirementStatus
from portal.people.models import StaffMember, Team
from portal.people.roles import is_hr, teams_managed_by

from .organisation import Figure, compliance_target

# What a manager chases, in the order they chase it.
CHASED = (status.OVERDUE, status.DUE_SOON)
# The states a manager may narrow the page to, in the order the filter lists them.
STATE_CHOICES = [
    (s, status.LABELS[s])
    for s in (status.OVERDUE, status.DUE_SOON, status.NOT_STARTED, status.COMPLIANT, status.PAUSED)
]


@dataclass
class Cell:
    row: RequirementStatus | None
    state: str
    requirement: Requirement | None = None

    @property
    def label(self):
        return status.label(self.state, self.row.paused_until if self.row else None)

    @property
    def colour(self):
        return status.TAG_COLOURS[self.state]

    @property
    def when(self) -> str:
        """The date a manager chases by: "was due 3 March 2026", "expired ...", "due by ...", "expires ..."."""
        due = self.row.due_on if self.row else None
        if due is None:
            return ""
        day = f"{due.day} {due:%B %Y}"
        renewal = self.row.completed_on is not None
        if self.state == status.OVERDUE:
            return f"expired {day}" if renewal else f"was due {day}"
        return f"expires {day}" if renewal else f"due by {day}"


@dataclass
class Owed:
    """One person to chase: their overdue items, then those due soon, each by its date."""

    person: StaffMember
    items: list[Cell]

    @property
    def overdue(self) -> int:
        return sum(item.state == status.OVERDUE for item in self.items)

    @property
    def due_soon(self) -> int:
        return sum(item.state == status.DUE_SOON for item in self.items)

    def sort_key(self):
        earliest = min(item.row.due_on or datetime.date.max for item in self.items)
        return (-self.overdue, -self.due_soon, earliest, self.person.last_name, self.person.first_name)


@dataclass
class RequirementFigure:
    """The team's figure for one requirement (the organisation report's rule: paused people are left out), and how
    many people are in each state."""

    requirement: Requirement
    figure: Figure
    counts: dict[str, int]

    @property
    def due_soon(self) -> int:
        return self.counts[status.DUE_SOON]

    def sort_key(self):
        percent = self.figure.percent
        return (percent is None, percent or 0, -self.figure.overdue, self.requirement.name)


@dataclass
class TeamMatrix:
    scope: list[Team]
    requirements: list[Requirement]
    people: list[tuple[StaffMember, list[Cell]]]
    counts: list[dict] = field(default_factory=list)
    as_at: datetime.date | None = None
    chase: list[Owed] = field(default_factory=list)
    figures: list[RequirementFigure] = field(default_factory=list)
    all_requirements: list[Requirement] = field(default_factory=list)  # before a filter, for the filter's choices
    target: int = 95

    @property
    def overdue_people(self) -> list[StaffMember]:
        return [person for person, cells in self.people if any(c.state == status.OVERDUE for c in cells)]

    @property
    def due_soon_people(self) -> list[StaffMember]:
        return [owed.person for owed in self.chase if not owed.overdue]


def teams_visible_to(user) -> list[Team]:
    """The roots of what `user` may see: the whole organisation for HR, the teams they manage otherwise."""
    if is_hr(user):
        return list(Team.objects.filter(depth=1))
    return teams_managed_by(user)


def team_choices(roots: list[Team]) -> list[Team]:
    teams = Team.objects.none()
    for root in roots:
        teams = teams | Team.objects.filter(path__startswith=root.path)
    return list(teams.order_by("path"))


def team_matrix(
    scope: list[Team], moment: Moment | None = None, *, requirement: Requirement | None = None, state: str = ""
) -> TeamMatrix:
    """People (current, agency included) in `scope` and below, by every active requirement: three queries live; as
    at `moment`, the people the roster placed there then, with their standing then. `requirement` narrows the page
    to one requirement, `state` the people to those with something in that state (the figures still count
    everyone); both are applied here, in Python, so a filter adds no query."""
    if moment is not None:
        return _team_matrix_as_at(scope, moment, requirement, state)
    today = timezone.localdate()
    people = list(
        StaffMember.objects.current(on=today).in_teams(scope).select_related("team").order_by("last_name", "first_name")
    )
    requirements = list(Requirement.objects.filter(active=True).order_by("name"))
    rows = {
        (row.staff_id, row.requirement_id): row
        for row in RequirementStatus.objects.filter(staff__in=[p.pk for p in people], requirement__active=True)
    }
    return _matrix(scope, requirements, people, rows, today, requirement=requirement, state=state)


def _team_matrix_as_at(scope: list[Team], moment: Moment, requirement, state) -> TeamMatrix:
    requirements = list(Requirement.objects.in_use_on(moment.day).order_by("name"))
    people, rows = [], {}
    for facts, standings in statuses_as_at(moment, teams=scope, requirements=requirements):
        person = facts.staff
        person.team = facts.team  # where the roster had them then
        people.append(person)
        rows.update({(row.staff_id, row.requirement_id): row for row in standings})
    people.sort(key=lambda p: (p.last_name, p.first_name))
    return _matrix(
        scope, requirements, people, rows, moment.day, as_at=moment.day, requirement=requirement, state=state
    )


def _matrix(scope, all_requirements, people, rows, today, as_at=None, requirement=None, state="") -> TeamMatrix:
    requirements = [r for r in all_requirements if requirement is None or r.pk == requirement.pk]
    matrix, chase = [], []
    counts = {r.pk: dict.fromkeys(status.LABELS, 0) for r in requirements}
    figures = {r.pk: Figure() for r in requirements}
    for person in people:
        cells = []
        for req in requirements:
            row = rows.get((person.pk, req.pk))
            cell_state = row.state(today) if row else status.NOT_REQUIRED
            counts[req.pk][cell_state] += 1
            if cell_state not in {status.NOT_REQUIRED, status.PAUSED}:
                figure = figures[req.pk]
                figure.required += 1
                figure.compliant += row.standing.valid_on(today)
                figure.overdue += cell_state == status.OVERDUE
            cells.append(Cell(row, cell_state, req))
        if state and not any(cell.state == state for cell in cells):
            continue
        matrix.append((person, cells))
        owed = [cell for cell in cells if cell.state in CHASED]
        if owed:
            owed.sort(key=lambda c: (CHASED.index(c.state), c.row.due_on or datetime.date.max, c.requirement.name))
            chase.append(Owed(person, owed))
    summary = [{"requirement": r, **{s: counts[r.pk][s] for s in status.LABELS}} for r in requirements]
    by_requirement = sorted(
        (RequirementFigure(r, figures[r.pk], counts[r.pk]) for r in requirements), key=RequirementFigure.sort_key
    )
    return TeamMatrix(
        scope=scope,
        requirements=requirements,
        people=matrix,
        counts=summary,
        as_at=as_at,
        chase=sorted(chase, key=Owed.sort_key),
        figures=by_requirement,
        all_requirements=all_requirements,
        target=compliance_target(),
    )
