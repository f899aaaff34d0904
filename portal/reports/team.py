"""The manager's view: people in their teams (and the teams below) by requirement, as they stand today, arranged to
answer "whom do I chase?": who owes what and by when, and each requirement's figure against the target.

The page is read as plain values (a person is a few strings, a standing a few dates), not model instances, and each
month's name is looked up once: a team of 40 by 12 requirements is 480 cells, and building, formatting and rendering
model instances cell by cell through the template language was most of the page's time."""

import datetime
from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple
from urllib.parse import urlencode

from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from portal.compliance import status
from portal.compliance.asat import Moment, statuses_as_at, tree_as_at
from portal.compliance.intervals import Facts, Roster
from portal.compliance.models import Requirement, RequirementStatus, StatusInterval
from portal.compliance.pauses import paused_due
from portal.compliance.requirement_history import requirements_in_force_on
from portal.people.history import employment_periods, identities_before, period_on
from portal.people.models import StaffChange, StaffMember, Team, in_post_q
from portal.people.team_history import Tree, tree_on

from .basis import AS_IT_WAS, AS_RECORDED
from .organisation import Figure, compliance_target
from .selectors import due_soon_days, pauses_in_force

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
STANDING_FIELDS = (
    "requirement_id",
    "completed_on",
    "expires_on",
    "due_on",
    "paused_from",
    "paused_until",
    "renew_from",
)
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


class Held(NamedTuple):
    """One person's standing on one requirement as a run of the status table in effective time holds it for a day
    (`compliance.StatusInterval`): the run's own state and whether it counts as compliant, not judged again here."""

    state: str
    compliant: bool
    completed_on: datetime.date | None
    due_on: datetime.date | None
    paused_until: datetime.date | None = None  # the last day of the pause in force (None: no return date yet)


class Change(NamedTuple):
    """One roster row (`people.StaffChange`) as `compliance.intervals.Roster` reads it."""

    pk: int
    team_id: int | None
    staff_group: str
    job_title: str
    effective_on: datetime.date | None
    recorded_at: datetime.datetime
    start_date: datetime.date | None = None  # and leave_date: for `people.history.employment_periods`
    leave_date: datetime.date | None = None


@dataclass(slots=True)
class Cell:
    """One person's standing on one requirement, as the page shows it."""

    state: str
    requirement: Requirement
    label: str = status.LABELS[status.NOT_REQUIRED]
    due_on: datetime.date | None = None
    due_shown: str = ""  # due_on as the matrix prints it ("3 Mar 2026"); paused, in words (`pauses.paused_due`)
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
    basis: str | None = None  # as at a past day, the clock it was read on (`reports.basis`); None live
    # How many people each list holds whole: `people` and `chase` may hold only the first of them
    # (`team_listed.team_matrix_listed`). People with something overdue, and people to chase with nothing overdue.
    people_count: int = 0
    chase_count: int = 0
    overdue_count: int = 0
    due_soon_count: int = 0

    @classmethod
    def of(cls, scope, requirements, all_requirements, counts, figures, people, chase, as_at=None) -> "TeamMatrix":
        """`counts`: requirement id -> state -> people; `figures`: requirement id -> Figure; `chase` in order."""
        lines = (RequirementFigure(r, figures[r.pk], counts[r.pk]) for r in requirements)
        return cls(
            scope=scope,
            requirements=requirements,
            people=people,
            counts=[{"requirement": r, **{s: counts[r.pk][s] for s in status.LABELS}} for r in requirements],
            as_at=as_at,
            chase=chase,
            figures=sorted(lines, key=RequirementFigure.sort_key),  # the furthest below the target first
            all_requirements=all_requirements,
            target=compliance_target(),
        )

    @property
    def overdue_people(self) -> list[Person]:
        """Of the people held (everyone, from `team_matrix`)."""
        return [person for person, cells in self.people if any(c.state == status.OVERDUE for c in cells)]

    def count_lists(self) -> None:
        """The counts of the lists as held whole."""
        self.people_count, self.chase_count = len(self.people), len(self.chase)
        self.overdue_count = sum(owed.overdue > 0 for owed in self.chase)
        self.due_soon_count = self.chase_count - self.overdue_count

    def cut(self, listed: int) -> None:
        """Keep the first `listed` of each list, and the counts of them whole."""
        self.count_lists()
        self.people, self.chase = self.people[:listed], self.chase[:listed]


def person_urls(day: datetime.date | None = None, basis: str = ""):
    """Each person's page address (reports:team_person) from one reverse(): reversing for each of 40 people, on two
    tables, was a tenth of the page's time. As at a past `day`, the address keeps the day and the clock."""
    head, _, tail = reverse("reports:team_person", args=[ANY_ID]).partition(str(ANY_ID))
    if day is not None:
        tail += "?" + urlencode({"as_at": day.isoformat(), "basis": basis})
    return lambda pk: f"{head}{pk}{tail}"


def team_matrix(
    scope: list[Team],
    moment: Moment | None = None,
    *,
    requirement: Requirement | None = None,
    state: str = "",
    basis: str = AS_RECORDED,
    tree: Tree | None = None,
) -> TeamMatrix:
    """People (current, agency included) in `scope` and below, by every active requirement: two queries live. As at
    `moment`, on the clock `basis` names (`reports.basis`): as recorded then (the default), the people the roster
    placed there as recorded by then, with their standing as recorded then; as it was, the people and standing
    everything known now gives for that day (`_team_matrix_as_it_was`). `requirement` narrows the page to one
    requirement, `state` the people to those with something in that state (the figures still count everyone); both
    are applied here, in Python, so a filter adds no query. As at a past day, "`scope` and below" and the names of
    the teams are the tree's as it stood that day, on the same clock (`people.team_history`): one query more, none
    when the caller has read it (`tree`, as `scope.day_tree` reads it to choose the teams)."""
    if moment is not None:
        if basis == AS_IT_WAS:
            return _team_matrix_as_it_was(scope, moment.day, requirement, state, tree)
        return _team_matrix_as_at(scope, moment, requirement, state, tree)
    today = timezone.localdate()
    requirements = requirements_live()
    url, people, rows = person_urls(), [], {}
    width = len(STANDING_FIELDS)
    for row in _people_with_standing(scope, today):
        person, (requirement_id, *dates) = row[:-width], row[-width:]
        if not people or people[-1].pk != person[0]:
            people.append(Person.from_values(*person, url(person[0])))
        if requirement_id is not None:
            rows[person[0], requirement_id] = status.Standing(True, *dates)
    return _matrix(scope, requirements, people, rows, today, requirement=requirement, state=state)


def requirements_live() -> list[Requirement]:
    """The requirements in use today, by name. The page shows a requirement's name, nothing else of it."""
    return list(Requirement.objects.filter(active=True).order_by("name").only("name"))


# Each person in post on a day in some teams or below them, with each of their status rows (a person with none comes
# once, with nothing), by name: the rules of `StaffMember.objects.current(on=day).in_teams(teams)` (no leave date,
# or the day or later; the team's path begins with one of the teams' paths), for people who have started by the day
# (a future starter keeps the status row the roster gave them but is not on the page until their start date),
# written once as SQL rather than built through the ORM each request (building and compiling it was a tenth of the
# team page's time). Rows of retired requirements come too; _matrix leaves them out with the requirements.
# tests/reports/test_team_rows.py holds it to the ORM's answer.
PERSON_COLUMNS = ", ".join([*(f"staff.{name}" for name in ("id", *PERSON_FIELDS[1:-1])), "team.name"])
STANDING_COLUMNS = ", ".join(f"standing.{name}" for name in STANDING_FIELDS)
PEOPLE_WITH_STANDING = f"""
SELECT {PERSON_COLUMNS},
    {STANDING_COLUMNS}
FROM {StaffMember._meta.db_table} staff
JOIN {Team._meta.db_table} team ON team.id = staff.team_id
LEFT JOIN {RequirementStatus._meta.db_table} standing ON standing.staff_id = staff.id
WHERE staff.start_date <= %s AND (staff.leave_date IS NULL OR staff.leave_date >= %s) AND ({{in_teams}})
ORDER BY staff.last_name, staff.first_name, staff.id
"""  # noqa: S608 - table and column names from the models; every value is a parameter


def _people_with_standing(teams: list[Team], day: datetime.date) -> list[tuple]:
    """PEOPLE_WITH_STANDING's rows (each database's driver gives its dates as dates, SQLite's by their declared type).
    A team's path is made of digits and capital letters (treebeard's alphabet), so it begins a LIKE pattern as it is."""
    sql = PEOPLE_WITH_STANDING.format(in_teams=" OR ".join(["team.path LIKE %s"] * len(teams)) or "1 = 0")
    connection = connections[router.db_for_read(StaffMember)]
    with connection.cursor() as cursor:
        on = connection.ops.adapt_datefield_value(day)
        cursor.execute(sql, [on, on, *(f"{team.path}%" for team in teams)])
        return cursor.fetchall()


def _team_matrix_as_at(scope: list[Team], moment: Moment, requirement, state, tree: Tree | None) -> TeamMatrix:
    # In force on the day, with their terms and names then, as recorded by the cut-off (as an export reads them).
    requirements = requirements_in_force_on(moment.day, cutoff=moment.cutoff)
    people, rows, url = [], {}, person_urls(moment.day, AS_RECORDED)
    tree = tree or tree_as_at(moment)
    named = identities_before(moment.cutoff)  # one query: who anyone renamed or renumbered since was then
    for facts, standings in statuses_as_at(moment, teams=scope, requirements=requirements, tree=tree):
        # In the team the roster had them in then, named, numbered and employed as recorded then, as the page's
        # download on the same clock names them (`exports.export_row`).
        staff = facts.staff
        who = named.get(staff.pk, staff)
        values = (who.first_name, who.last_name, who.employee_number, facts.employment_type, staff.user_id)
        people.append(Person.from_values(staff.pk, *values, tree.name(facts.team_id), url(staff.pk)))
        rows.update({(row.staff_id, row.requirement_id): row.standing for row in standings})
    people.sort(key=lambda p: (p.last_name, p.first_name))
    matrix = _matrix(
        scope, requirements, people, rows, moment.day, as_at=moment.day, requirement=requirement, state=state
    )
    matrix.basis = AS_RECORDED
    return matrix


RUN_FIELDS = (
    "staff_id",
    "staff__first_name",
    "staff__last_name",
    "staff__employee_number",
    "staff__employment_type",
    "staff__user_id",
    "team_id",
    "requirement_id",
    "state",
    "compliant",
    "completed_on",
    "due_on",
)


def _team_matrix_as_it_was(
    scope: list[Team], day: datetime.date, requirement, state, tree: Tree | None = None
) -> TeamMatrix:
    """As it was on `day`, from everything known now: each person with a run of the status table in effective time
    holding that day in a team in `scope` as the tree stood then (the team the roster had them in then, by its name
    then), with each run's own state, in one query (a range on two indexed dates, as the organisation report reads
    it); then the people the roster had there that day with nothing required of them, in one more
    (`nothing_required_as_it_was`). Four queries with the requirements and the tree, whatever the size of the
    teams, one more when someone was paused, for the pauses' last days, and one more when a requirement was changed
    after the day, for its terms then."""
    requirements = requirements_in_force_on(day)  # in force that day, with their terms and names then
    in_use = [r.pk for r in requirements]
    url = person_urls(day, AS_IT_WAS)
    tree = tree or tree_on(day)
    runs = StatusInterval.objects.filter(StatusInterval.on_q(day), tree.scope_q(scope), requirement__in=in_use)
    people, rows, paused = {}, {}, []
    for *person, team_id, requirement_id, run_state, compliant, completed_on, due_on in runs.values_list(*RUN_FIELDS):
        if person[0] not in people:
            people[person[0]] = Person.from_values(*person, tree.name(team_id), url(person[0]))
        rows[person[0], requirement_id] = Held(run_state, compliant, completed_on, due_on)
        if run_state == status.PAUSED:
            paused.append((person[0], requirement_id))
    if paused:
        until = pauses_in_force(day, {pk for pk, _ in paused})
        for key in paused:
            rows[key] = rows[key]._replace(paused_until=until.get(key))
    for person in nothing_required_as_it_was(scope, day, in_use, url, tree):
        people.setdefault(person.pk, person)
    ordered = sorted(people.values(), key=lambda p: (p.last_name, p.first_name, p.pk))
    matrix = _matrix(
        scope, requirements, ordered, rows, day, as_at=day, requirement=requirement, state=state, judged=True
    )
    matrix.basis = AS_IT_WAS
    return matrix


NOTHING_REQUIRED_FIELDS = (
    *PERSON_FIELDS[:-1],
    "team_id",
    "staff_group",
    "job_title",
    "start_date",
    "leave_date",
    "changes__pk",
    "changes__team_id",
    "changes__staff_group",
    "changes__job_title",
    "changes__effective_on",
    "changes__recorded_at",
    "changes__start_date",
    "changes__leave_date",
)


def nothing_required_as_it_was(
    scope: list[Team], day: datetime.date, in_use: list[int], url, tree: Tree
) -> list[Person]:
    """The people the roster had in `scope` (and below, as `tree` stood on `day`) on `day` as everything known now
    says, in post that day, with no run of
    the status table then: nothing was required of them, so the table holds nothing for them, yet they were in the
    team (the live page and the page as recorded then list such people too). One query: each person ever placed in
    `scope` (or placed there now) with all their roster rows; in post that day in one of their periods of employment
    (`people.history.employment_periods`: an earlier one too, for someone who left and was taken on again); the team
    they were in that day is read as the status table reads it (`intervals.Roster`: of the rows in effect by then,
    the one recorded last; before the first, that one; with no rows, the roster now)."""
    in_scope = tree.scope_q(scope)
    here = tree.under(scope)
    ever_here = StaffChange.objects.filter(in_scope).order_by().values("staff_id")
    held = StatusInterval.objects.filter(StatusInterval.on_q(day), staff=OuterRef("pk"), requirement__in=in_use)
    # In post that day as the roster has them now, or as one of their rows said (a period since ended).
    said_in_post = StaffChange.objects.filter(in_post_q(day)).order_by().values("staff_id")
    candidates = (
        StaffMember.objects.filter(Q(pk__in=Subquery(ever_here)) | in_scope)
        .filter(in_post_q(day) | Q(pk__in=Subquery(said_in_post)))
        .exclude(Exists(held))
        .order_by("pk")  # each person's rows together; Roster puts their roster rows in order
    )
    found = []
    rows = candidates.values_list(*NOTHING_REQUIRED_FIELDS)
    for pk, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        person, (team_id, staff_group, job_title, start_date, leave_date) = group[0][:6], group[0][6:11]
        changes = [Change(*row[11:]) for row in group if row[11] is not None]
        if period_on(employment_periods(changes, start_date, leave_date), day) is None:
            continue
        then = Roster(changes, Facts(team_id, staff_group, job_title)).on(day).team_id
        if then in here:
            found.append(Person.from_values(*person, tree.name(then), url(pk)))
    return found


def roster_team_as_it_was(staff: StaffMember, day: datetime.date) -> int | None:
    """The team the roster had `staff` in on `day` as everything known now says, by the rule the page as it was
    places people by (`intervals.Roster`, as the runs of the status table and `nothing_required_as_it_was` read it);
    None if they were not in post that day (in none of their periods of employment,
    `people.history.employment_periods`). One query (their roster rows), none for a day after they left."""
    if day >= staff.start_date and staff.leave_date is not None and day > staff.leave_date:
        return None
    changes = [Change(*row) for row in StaffChange.objects.filter(staff=staff).order_by().values_list(*Change._fields)]
    if period_on(employment_periods(changes, staff.start_date, staff.leave_date), day) is None:
        return None
    return Roster(changes, Facts(staff.team_id, staff.staff_group, staff.job_title)).on(day).team_id


def _matrix(
    scope, all_requirements, people, rows, today, as_at=None, requirement=None, state="", judged=False
) -> TeamMatrix:
    """`rows`: each (person, requirement) standing that applies, as status.Standing, judged here as on `today`; or,
    `judged`, as Held, whose state is already known (a run of the status table in effective time)."""
    requirements = [r for r in all_requirements if requirement is None or r.pk == requirement.pk]
    window = due_soon_days()
    months = {}  # each month's name, looked up once: dates differ from cell to cell, months far less
    lines, chase = [], []
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
            cell, compliant = cell_of(req, standing, today, window, months, judged)
            count[cell.state] += 1
            if cell.state != status.PAUSED:
                figure.required += 1
                figure.compliant += compliant
                figure.overdue += cell.state == status.OVERDUE
            cells.append(cell)
        if state and not any(cell.state == state for cell in cells):
            continue
        lines.append((person, cells))
        owed = [cell for cell in cells if cell.state in CHASED]
        if owed:
            chase.append(Owed.of(person, owed))
    chase.sort(key=Owed.sort_key)
    matrix = TeamMatrix.of(scope, requirements, all_requirements, counts, figures, lines, chase, as_at)
    matrix.count_lists()
    return matrix


def cell_of(requirement, standing, today, window: int, months: dict, judged: bool = False) -> tuple[Cell, bool]:
    """A required cell from `standing` (status.Standing, judged here as on `today` with the due-soon `window`; or,
    `judged`, Held, whose state is known), and whether the figures count it compliant. `months`: each month's short
    name, filled as met (dates differ from cell to cell, months far less)."""
    if judged:
        state, compliant = standing.state, standing.compliant
    else:
        state = status.state_on(today, standing, window)
        compliant = state != status.PAUSED and standing.valid_on(today)
    due = standing.due_on
    if state == status.PAUSED:  # the due date the pause leaves, in words ("then due by 3 Jun 2027")
        shown = paused_due(due, today, month="%b")
    elif due is None:
        shown = ""
    else:  # as the date filter prints it with "j M Y"
        if due.month not in months:
            months[due.month] = date_format(due, "M")
        shown = f"{due.day} {months[due.month]} {due.year:04d}"
    label = status.label(state, standing.paused_until)
    return Cell(state, requirement, label, due, shown, standing.completed_on is not None), compliant
