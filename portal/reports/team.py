"""The manager's view: people in their teams (and the teams below) by requirement, as they stand today, arranged to
answer "whom do I chase?": who owes what and by when, and each requirement's figure against the target.

The page is read as plain values (a person is a few strings, a standing a few dates), not model instances, and each
month's name is looked up once: a team of 40 by 12 requirements is 480 cells, and building, formatting and rendering
model instances cell by cell through the template language was most of the page's time."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from portal.compliance import status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import Requirement
from portal.people.models import StaffMember, Team
from portal.people.roles import is_hr, teams_managed_by

from .organisation import Figure, compliance_target
from .selectors import due_soon_days

# What a manager chases, in the order they chase it.
CHASED = (status.OVERDUE, status.DUE_SOON)
# The states a manager may narrow the page to, in the order the filter lists them.
STATE_CHOICES = [
    (s, status.LABELS[s])
    for s in (status.OVERDUE, status.DUE_SOON, status.NOT_STARTED, status.COMPLIANT, status.PAUSED)
]
# Bank and agency staff carry a tag with the word; substantive staff carry none.
EMPLOYMENT_TAGS = {StaffMember.BANK: "Bank", StaffMember.AGENCY: "Agency"}
PERSON_FIELDS = ("pk", "first_name", "last_name", "employee_number", "employment_type", "user_id", "team__name")
STANDING_FIELDS = ("requirement_id", "completed_on", "expires_on", "due_on", "paused_from", "paused_until")
ANY_ID = 987654321987654321  # reversed once for the address of a person's page, then replaced by each person's id


@dataclass(frozen=True, slots=True)
class Person:
    """One person on the page: what it shows of them, read as values."""

    pk: int
    first_name: str
    last_name: str
    employee_number: str
    team_name: str
    employment: str = ""  # "Bank" or "Agency", for the tag; empty for substantive staff
    user_id: int | None = None
    url: str = ""  # their page (reports:team_person)

    @classmethod
    def from_values(cls, pk, first_name, last_name, employee_number, employment_type, user_id, team_name, url=""):
        employment = EMPLOYMENT_TAGS.get(employment_type, "")
        return cls(pk, first_name, last_name, employee_number, team_name or "", employment, user_id, url)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class Cell:
    """One person's standing on one requirement, as the page shows it."""

    state: str
    requirement: Requirement
    label: str = status.LABELS[status.NOT_REQUIRED]
    due_on: datetime.date | None = None
    due_shown: str = ""  # due_on as the matrix prints it ("3 Mar 2026")
    renewal: bool = False  # done before: the date is an expiry, not a first deadline

    @property
    def required(self) -> bool:
        return self.state != status.NOT_REQUIRED

    @property
    def colour(self) -> str:
        return status.TAG_COLOURS[self.state]

    @property
    def when(self) -> str:
        """The date a manager chases by: "was due 3 March 2026", "expired ...", "due by ...", "expires ..."."""
        due = self.due_on
        if due is None:
            return ""
        day = f"{due.day} {due:%B %Y}"
        if self.state == status.OVERDUE:
            return f"expired {day}" if self.renewal else f"was due {day}"
        return f"expires {day}" if self.renewal else f"due by {day}"


@dataclass(frozen=True, slots=True)
class Owed:
    """One person to chase: their overdue items, then those due soon, each by its date."""

    person: Person
    items: list[Cell]
    overdue: int
    due_soon: int

    @classmethod
    def of(cls, person: Person, items: list[Cell]) -> "Owed":
        items = sorted(items, key=lambda c: (CHASED.index(c.state), c.due_on or datetime.date.max, c.requirement.name))
        overdue = sum(item.state == status.OVERDUE for item in items)
        return cls(person, items, overdue, len(items) - overdue)

    def sort_key(self):
        earliest = min(item.due_on or datetime.date.max for item in self.items)
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
    people: list[tuple[Person, list[Cell]]]
    counts: list[dict] = field(default_factory=list)
    as_at: datetime.date | None = None
    chase: list[Owed] = field(default_factory=list)
    figures: list[RequirementFigure] = field(default_factory=list)
    all_requirements: list[Requirement] = field(default_factory=list)  # before a filter, for the filter's choices
    target: int = 95

    @property
    def overdue_people(self) -> list[Person]:
        return [person for person, cells in self.people if any(c.state == status.OVERDUE for c in cells)]

    @property
    def due_soon_people(self) -> list[Person]:
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


def _person_urls():
    """Each person's page address (reports:team_person) from one reverse(): reversing for each of 40 people, on two
    tables, was a tenth of the page's time."""
    head, _, tail = reverse("reports:team_person", args=[ANY_ID]).partition(str(ANY_ID))
    return lambda pk: f"{head}{pk}{tail}"


def team_matrix(
    scope: list[Team], moment: Moment | None = None, *, requirement: Requirement | None = None, state: str = ""
) -> TeamMatrix:
    """People (current, agency included) in `scope` and below, by every active requirement: two queries live; as
    at `moment`, the people the roster placed there then, with their standing then. `requirement` narrows the page
    to one requirement, `state` the people to those with something in that state (the figures still count
    everyone); both are applied here, in Python, so a filter adds no query."""
    if moment is not None:
        return _team_matrix_as_at(scope, moment, requirement, state)
    today = timezone.localdate()
    # The page shows a requirement's name, nothing else of it.
    requirements = list(Requirement.objects.filter(active=True).order_by("name").only("name"))
    # Each person with each of their status rows, in one query (a person with none comes once, with nothing); rows
    # of retired requirements come too, and _matrix leaves them out with the requirements.
    staff = StaffMember.objects.current(on=today).in_teams(scope).order_by("last_name", "first_name", "pk")
    url, people, rows = _person_urls(), [], {}
    for *person, requirement_id, completed, expires, due, paused_from, paused_until in staff.values_list(
        *PERSON_FIELDS, *(f"statuses__{name}" for name in STANDING_FIELDS)
    ):
        if not people or people[-1].pk != person[0]:
            people.append(Person.from_values(*person, url(person[0])))
        if requirement_id is not None:
            rows[person[0], requirement_id] = status.Standing(True, completed, expires, due, paused_from, paused_until)
    return _matrix(scope, requirements, people, rows, today, requirement=requirement, state=state)


def _team_matrix_as_at(scope: list[Team], moment: Moment, requirement, state) -> TeamMatrix:
    requirements = list(Requirement.objects.in_use_on(moment.day).order_by("name"))
    people, rows, url = [], {}, _person_urls()
    for facts, standings in statuses_as_at(moment, teams=scope, requirements=requirements):
        staff, team = facts.staff, facts.team  # the team the roster had them in then
        values = (staff.first_name, staff.last_name, staff.employee_number, staff.employment_type, staff.user_id)
        people.append(Person.from_values(staff.pk, *values, team.name if team else "", url(staff.pk)))
        rows.update({(row.staff_id, row.requirement_id): row.standing for row in standings})
    people.sort(key=lambda p: (p.last_name, p.first_name))
    return _matrix(
        scope, requirements, people, rows, moment.day, as_at=moment.day, requirement=requirement, state=state
    )


def _matrix(scope, all_requirements, people, rows, today, as_at=None, requirement=None, state="") -> TeamMatrix:
    """`rows`: each (person, requirement) standing that applies, as status.Standing."""
    requirements = [r for r in all_requirements if requirement is None or r.pk == requirement.pk]
    window = due_soon_days()
    months = {}  # each month's name, looked up once: dates differ from cell to cell, months far less
    matrix, chase = [], []
    counts = {r.pk: dict.fromkeys(status.LABELS, 0) for r in requirements}
    figures = {r.pk: Figure() for r in requirements}
    # Per requirement, what each of its cells touches, looked up once rather than once a cell.
    columns = [(r, r.pk, counts[r.pk], figures[r.pk], Cell(status.NOT_REQUIRED, r)) for r in requirements]
    for person in people:
        cells = []
        for req, req_pk, count, figure, not_required in columns:
            standing = rows.get((person.pk, req_pk))
            if standing is None:
                count[status.NOT_REQUIRED] += 1
                cells.append(not_required)
                continue
            cell_state = status.state_on(today, standing, window)
            count[cell_state] += 1
            if cell_state != status.PAUSED:
                figure.required += 1
                figure.compliant += standing.valid_on(today)
                figure.overdue += cell_state == status.OVERDUE
            due = standing.due_on
            if due is None:
                shown = ""
            else:  # as the date filter prints it with "j M Y"
                if due.month not in months:
                    months[due.month] = date_format(due, "M")
                shown = f"{due.day} {months[due.month]} {due.year:04d}"
            label = status.label(cell_state, standing.paused_until)
            cells.append(Cell(cell_state, req, label, due, shown, standing.completed_on is not None))
        if state and not any(cell.state == state for cell in cells):
            continue
        matrix.append((person, cells))
        owed = [cell for cell in cells if cell.state in CHASED]
        if owed:
            chase.append(Owed.of(person, owed))
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
