"""The manager's view: people in their teams (and the teams below) by requirement, as they stand today."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from portal.compliance import status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import Requirement, RequirementStatus
from portal.people.models import StaffMember, Team
from portal.people.roles import is_hr, teams_managed_by


@dataclass
class Cell:
    row: RequirementStatus | None
    state: str

    @property
    def label(self):
        return status.label(self.state, self.row.paused_until if self.row else None)

    @property
    def colour(self):
        return status.TAG_COLOURS[self.state]


@dataclass
class TeamMatrix:
    scope: list[Team]
    requirements: list[Requirement]
    people: list[tuple[StaffMember, list[Cell]]]
    counts: list[dict] = field(default_factory=list)
    as_at: datetime.date | None = None

    @property
    def overdue_people(self) -> list[StaffMember]:
        return [person for person, cells in self.people if any(c.state == status.OVERDUE for c in cells)]


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


def team_matrix(scope: list[Team], moment: Moment | None = None) -> TeamMatrix:
    """People (current, agency included) in `scope` and below, by every active requirement: four queries live; as
    at `moment`, the people the roster placed there then, with their standing then."""
    if moment is not None:
        return _team_matrix_as_at(scope, moment)
    today = timezone.localdate()
    people = list(
        StaffMember.objects.current(on=today).in_teams(scope).select_related("team").order_by("last_name", "first_name")
    )
    requirements = list(Requirement.objects.filter(active=True).order_by("name"))
    rows = {
        (row.staff_id, row.requirement_id): row
        for row in RequirementStatus.objects.filter(staff__in=[p.pk for p in people], requirement__active=True)
    }
    return _matrix(scope, requirements, people, rows, today)


def _team_matrix_as_at(scope: list[Team], moment: Moment) -> TeamMatrix:
    requirements = list(Requirement.objects.in_use_on(moment.day).order_by("name"))
    people, rows = [], {}
    for facts, standings in statuses_as_at(moment, teams=scope, requirements=requirements):
        person = facts.staff
        person.team = facts.team  # where the roster had them then
        people.append(person)
        rows.update({(row.staff_id, row.requirement_id): row for row in standings})
    people.sort(key=lambda p: (p.last_name, p.first_name))
    return _matrix(scope, requirements, people, rows, moment.day, as_at=moment.day)


def _matrix(scope, requirements, people, rows, today, as_at=None) -> TeamMatrix:
    matrix = []
    counts = {r.pk: dict.fromkeys(status.LABELS, 0) for r in requirements}
    for person in people:
        cells = []
        for requirement in requirements:
            row = rows.get((person.pk, requirement.pk))
            state = row.state(today) if row else status.NOT_REQUIRED
            counts[requirement.pk][state] += 1
            cells.append(Cell(row, state))
        matrix.append((person, cells))
    summary = [{"requirement": r, **{s: counts[r.pk][s] for s in status.LABELS}} for r in requirements]
    return TeamMatrix(scope=scope, requirements=requirements, people=matrix, counts=summary, as_at=as_at)
