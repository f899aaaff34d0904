"""The roster import: an ESR-shaped CSV to people, teams and managers. Dry run first, then all or nothing.

Rules where ESR leaves a choice:
- A person is their employee number. Rows sharing it are one person with several assignments (a second post has
  the suffix -2, and -10 comes after -9). The person's details come from the lowest-numbered post they are still in
  (a leave date of today or later, or none), else from the post that ended last; they have a leave date only if
  every post has one (the latest), and their start date is the first day of the unbroken service that post is part
  of, so a move between posts is neither a leaving nor a new start. The same assignment twice is one row if the two
  say the same, else the file is refused. No employee number may be someone else's assignment number, or the other
  way round: a completion for it could reach the wrong person.
- Teams must already exist (matched by code, then by name; a name more than one team has needs the code): a row
  naming an unknown team is rejected, so a typo never creates a team. `RosterTeams` finds a row's team.
- Only an explicit leave date makes a leaver. Someone missing from the file is left alone, because ESR extracts
  are often partial (one directorate, one month's starters). ESR's end of time, 31/12/4712, is no leave date.
- A line manager is named by employee number or, as ESR does ("Supervisor Assignment Number"), by the assignment
  number of the supervisor's post, held by someone in the file or already in the portal.
- A change (a move between teams, a new job title or staff group) took effect on the row's Effective Date when the
  file has one (ESR's "Effective Start Date" of the assignment), else on the day the file is applied; a starter's
  first record takes effect on their Start Date. Reports "as it was" on an earlier day read them so.
- A change to who someone is (their work email, both names, or an employee number that seems to be someone else's
  now) is listed first and applies only once HR confirms those very changes; the work email of someone with HR or
  editor rights, which is how they sign in, is never changed by a file. A confirmed change of work email moves the
  person's account with it (the account and its training history belong to the employee number): the sign-in email
  changes, every session of the account ends, and both addresses are told (portal.compliance.imports.roster).
- A new person's work email may be the sign-in email of an account without a staff record, which they then get, but
  not of an account with HR or editor rights (or a superuser's): the file would give it a staff record, and a leave
  date would close it.
- An account the roster closed (the person left) is opened again when a later file clears or moves on the leave
  date: a corrected termination date, or a returner under the same employee number. One closed by hand, in the CMS's
  user editor, stays closed.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.csvfiles import CsvFileError, parse_date, read_table, show_date
from portal.lib.text import hidden_character

from .history import staff_changes_record
from .models import Assignment, StaffMember, Team
from .roles import HR_GROUP

ALIASES = {
    **dict.fromkeys(["employeenumber", "personnumber", "staffnumber", "employeeno", "empno"], "employee_number"),
    **dict.fromkeys(["assignmentnumber", "assignmentno", "assignment"], "assignment_number"),
    **dict.fromkeys(["firstname", "forename", "forenames", "givenname"], "first_name"),
    **dict.fromkeys(["lastname", "surname", "familyname"], "last_name"),
    **dict.fromkeys(["workemail", "emailaddress", "email", "workemailaddress", "nhsmail"], "work_email"),
    **dict.fromkeys(["jobtitle", "positiontitle", "position", "role"], "job_title"),
    **dict.fromkeys(["staffgroup"], "staff_group"),
    **dict.fromkeys(["organisationcode", "orgcode", "teamcode", "departmentcode"], "team_code"),
    **dict.fromkeys(["organisation", "team", "department", "orgname", "organisationname"], "team_name"),
    **dict.fromkeys(
        [
            "linemanageremployeenumber",
            "supervisoremployeenumber",
            "managernumber",
            "supervisornumber",
            "manageremployeenumber",
            "linemanagernumber",
        ],
        "manager_number",
    ),
    **dict.fromkeys(
        [
            "supervisorassignmentnumber",
            "supervisorassignmentno",
            "linemanagerassignmentnumber",
            "managerassignmentnumber",
        ],
        "manager_assignment",
    ),
    **dict.fromkeys(["startdate", "hiredate", "assignmentstartdate", "datestarted"], "start_date"),
    **dict.fromkeys(["leavedate", "terminationdate", "enddate", "assignmentenddate"], "leave_date"),
    **dict.fromkeys(
        [
            "effectivedate",
            "effectivefrom",
            "effectivestartdate",
            "assignmenteffectivedate",
            "dateofchange",
            "changedate",
            "positionstartdate",
            "datemoved",
        ],
        "effective_date",
    ),
    **dict.fromkeys(["employmenttype", "assignmentcategory", "agency", "bank", "agencyorbank"], "employment_type"),
}
REQUIRED = {"employee_number", "first_name", "last_name", "work_email", "start_date"}
LABELS = {
    "employee_number": "Employee Number",
    "first_name": "First Name",
    "last_name": "Last Name",
    "work_email": "Work Email",
    "start_date": "Start Date",
}
COLUMNS = {
    **LABELS,
    "assignment_number": "Assignment Number",
    "job_title": "Job Title",
    "staff_group": "Staff Group",
    "team_code": "Organisation Code",
    "team_name": "Organisation",
    "manager_number": "Supervisor Employee Number",
    "manager_assignment": "Supervisor Assignment Number",
    "leave_date": "Leave Date",
    "employment_type": "Employment Type",
    "effective_date": "Effective Date",
}
# The longest value each column may hold, from the columns it is stored in, so that a dry run that says "can be
# applied" always applies.
MAX_LENGTHS = {
    **{
        name: StaffMember._meta.get_field(name).max_length
        for name in ("employee_number", "first_name", "last_name", "work_email", "job_title", "staff_group")
    },
    "assignment_number": Assignment._meta.get_field("number").max_length,
    "manager_assignment": Assignment._meta.get_field("number").max_length,
}
# ESR's "end of time": an assignment with no planned end carries this date.
END_OF_TIME = datetime.date(4712, 12, 31)
EARLIEST_START = datetime.date(1950, 1, 1)
LATEST_START_YEARS_AHEAD = 2
EMPLOYMENT = {
    "agency": StaffMember.AGENCY,
    "bank": StaffMember.BANK,
    "y": StaffMember.AGENCY,
    "yes": StaffMember.AGENCY,
    "n": StaffMember.SUBSTANTIVE,
    "no": StaffMember.SUBSTANTIVE,
    "": StaffMember.SUBSTANTIVE,
    "permanent": StaffMember.SUBSTANTIVE,
    "fixed term": StaffMember.SUBSTANTIVE,
    "fixed term temp": StaffMember.SUBSTANTIVE,
    "substantive": StaffMember.SUBSTANTIVE,
}
TRACKED = (
    "first_name",
    "last_name",
    "work_email",
    "job_title",
    "staff_group",
    "team_id",
    "start_date",
    "leave_date",
    "employment_type",
)
# How a change reads on the dry run: "Team: Finance to Payroll", "First name: Sam to Siân".
FIELD_NAMES = {
    "first_name": "First name",
    "last_name": "Last name",
    "work_email": "Work email",
    "job_title": "Job title",
    "staff_group": "Staff group",
    "team_id": "Team",
    "start_date": "Start date",
    "leave_date": "Leave date",
    "employment_type": "Employment type",
    "line_manager": "Line manager",
}
IDENTITY_FIELDS = ("work_email", "first_name", "last_name")


@dataclass
class PersonRow:
    line: int
    employee_number: str
    assignments: list[str]
    fields: dict
    manager_number: str = ""
    manager_assignment: str = ""
    effective_on: datetime.date | None = None  # the day the row's changes took effect, if the file says


@dataclass
class IdentityChange:
    """A change to who an existing record is, which HR must confirm before it applies."""

    staff: StaffMember
    person: PersonRow
    changes: list[str]  # in words: "Work email: sam@x to siân@x"
    reused: bool  # the file seems to give this employee number to someone else


@dataclass
class RosterPlan:
    to_create: list[PersonRow] = field(default_factory=list)
    to_change: list[tuple[StaffMember, PersonRow, dict]] = field(default_factory=list)
    leavers: list[StaffMember] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    line_problems: list[tuple[int, str]] = field(default_factory=list)  # those of `problems` about a line, unprefixed
    rows: int = 0
    sha256: str = ""
    identity: list[IdentityChange] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # headings the import does not read
    ignored: list[str] = field(default_factory=list)  # footers, summary lines and blank lines left out
    team_names: dict = field(default_factory=dict)  # team id -> name, to say changes in words
    manager_names: dict = field(default_factory=dict)  # employee number -> name, for "Line manager: Sam Taylor (900)"

    @property
    def can_apply(self) -> bool:
        return not self.rejected and not self.problems

    @property
    def identity_fingerprint(self) -> str:
        """Names exactly the identity changes on this dry run: a confirmation given for these applies to no other."""
        text = "\n".join(sorted(f"{c.staff.employee_number}:{c.changes}" for c in self.identity))
        return hashlib.sha256(text.encode()).hexdigest()[:20] if self.identity else ""

    @property
    def errors(self) -> list[tuple[int | None, str]]:
        """Everything that stops the file, as (line, what is wrong): the file's own problems (no line) first, then
        rejected rows and problems such as an unknown supervisor in one list by line, as the file reads."""
        lined = {f"Line {line}: {text}" for line, text in self.line_problems}
        whole_file = [(None, text) for text in self.problems if text not in lined]
        return whole_file + sorted([*self.line_problems, *self.rejected], key=lambda error: error[0])

    def needs_confirmation(self, confirmed: str) -> bool:
        return bool(self.identity) and confirmed != self.identity_fingerprint

    @property
    def other_changes(self) -> list[tuple[StaffMember, list[str]]]:
        """The changes that are not to anyone's identity, in words, in file order."""
        identity = {c.staff.pk for c in self.identity}
        return [(s, self.describe(d)) for s, _, d in self.to_change if s.pk not in identity]

    def describe(self, diffs: dict) -> list[str]:
        return [
            f"{FIELD_NAMES[name]}: {self._shown(name, old)} to {self._shown(name, new)}"
            for name, (old, new) in diffs.items()
        ]

    def _shown(self, name: str, value) -> str:
        if value in (None, ""):
            return "(blank)"
        if name == "team_id":
            return self.team_names.get(value, str(value))
        if name == "line_manager":
            return f"{self.manager_names[value]} ({value})" if value in self.manager_names else str(value)
        if name == "employment_type":
            return dict(StaffMember.EMPLOYMENT_CHOICES).get(value, value)
        if isinstance(value, datetime.date):
            return show_date(value)
        return str(value)

    @property
    def returners(self) -> list[StaffMember]:
        """People who had left and no longer have (a leave date cleared or moved on): their account opens again."""
        return _returners(self.to_change, timezone.localdate())

    @property
    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "created": len(self.to_create),
            "changed": len(self.to_change),
            "leavers": len(self.leavers),
            "rejected": len(self.rejected),
            "problems": len(self.problems),
            "identity_changes": len(self.identity),
        }


def plan_roster(data: bytes, *, sheet: str = "", **_options) -> RosterPlan:
    """Read the file (CSV or XLSX) and compare it with the database. Writes nothing."""
    plan = RosterPlan(sha256=hashlib.sha256(data).hexdigest())
    try:
        table = read_table(data, ALIASES, REQUIRED, COLUMNS, sheet=sheet)
    except CsvFileError as error:
        plan.problems.append(str(error))
        return plan
    records, plan.unused, plan.ignored = table.records, table.unused, table.ignored
    plan.problems.extend(table.doubtful_problems())
    if records and not ({"team_code", "team_name"} & records[0][1].keys()):
        plan.problems.append("The file has no column for the team (Organisation, Team or Organisation Code).")
        return plan
    plan.rows = len(records)
    teams = RosterTeams.load()
    plan.team_names = {pk: team.name for pk, team in teams.by_pk.items()}
    today = timezone.localdate()
    posts: dict[str, list[PersonRow]] = defaultdict(list)  # employee number -> one row per assignment
    first_row: dict[str, tuple[PersonRow, dict]] = {}  # assignment number -> the row that gives it, and its cells
    for line, raw in records:
        person, error = _read_row(line, raw, teams)
        if error:
            plan.rejected.append((line, error))
            continue
        assignment = person.assignments[0]
        earlier, earlier_raw = first_row.setdefault(assignment, (person, raw))
        if earlier is person:
            posts[person.employee_number].append(person)
        elif earlier.employee_number != person.employee_number:
            plan.rejected.append(
                (line, f"Assignment Number '{assignment}' is already used by employee {earlier.employee_number}")
            )
        elif differing := _differing_columns(earlier, earlier_raw, person, raw):
            plan.rejected.append(
                (
                    line,
                    f"Assignment {assignment} is also on line {earlier.line} with different values "
                    f"({', '.join(differing)}). Keep one of them",
                )
            )
        # else the same row twice: one assignment
    people = {number: _one_person(rows, today) for number, rows in posts.items()}
    _check_numbers_in_file(plan, people, {number: row for number, (row, _) in first_row.items()})
    assignment_owner = {number: row.employee_number for number, (row, _) in first_row.items()}
    hierarchy: list[tuple[int, str]] = []
    _resolve_supervisor_assignments(hierarchy, people, assignment_owner)
    _check_against_database(plan, people)
    _check_hierarchy(hierarchy, people)
    plan.line_problems = sorted(hierarchy, key=lambda p: p[0])
    plan.problems.extend(f"Line {line}: {text}" for line, text in plan.line_problems)
    plan.rejected.sort(key=lambda r: r[0])
    return plan


class RosterTeams:
    """Every team (one query), to find the team a roster row names as the import does: by Organisation Code, else by
    name (any case). A name more than one team has is found only if just one of those teams can take the row (is
    open, or closed no earlier than the row's leave date); otherwise the row must give the code."""

    def __init__(self, teams):
        self.by_pk = {team.pk: team for team in teams}
        self.by_code = {team.code.lower(): team for team in self.by_pk.values()}
        self.by_path = {team.path: team for team in self.by_pk.values()}
        self.by_name = defaultdict(list)
        for team in self.by_pk.values():
            self.by_name[team.name.lower()].append(team)

    @classmethod
    def load(cls) -> "RosterTeams":
        return cls(Team.objects.all())

    def find(self, code: str, name: str, *, leave_date: datetime.date | None = None) -> tuple[Team | None, str]:
        """The team a row with this Organisation Code and Organisation (either may be "") goes in, and "", or None
        and what is wrong, to follow "Line N: ". Whether the team is closed to this row is for the caller to say."""
        team = self.by_code.get(code.lower())
        if team is not None:
            return team, ""
        named = self.by_name.get(name.lower(), [])
        if len(named) > 1:
            open_to_row = [t for t in named if not t.closed_on or (leave_date and leave_date <= t.closed_on)]
            named = open_to_row if len(open_to_row) == 1 else named
        if len(named) == 1:
            return named[0], ""
        if named:
            places = ", ".join(sorted(self._place(t) for t in named))
            return None, f"More than one team is called '{name}' ({places}): give the Organisation Code"
        if not (code or name):
            return None, "No team is given"
        return None, (
            f"Team '{code or name}' is not a known team: add it on the Organisation page "
            f"({reverse('organisation:teams')}) first, or correct the Organisation Code"
        )

    def _place(self, team: Team) -> str:
        """The team under its parent, as the Organisation page shows the tree: Operations › Payroll."""
        parent = self.by_path.get(team.path[: -Team.steplen])
        return f"{parent.name} › {team.name}" if parent else team.name


def _differing_columns(first: PersonRow, first_raw: dict, second: PersonRow, second_raw: dict) -> list[str]:
    """The columns in which two rows for the same assignment differ in what they say (not in how: 31/12/4712 and no
    date, or two spellings of one date, are the same), named as the import guide names them."""

    def said(row: PersonRow) -> dict:
        return {
            **row.fields,
            "manager_number": row.manager_number,
            "manager_assignment": row.manager_assignment,
            "effective_date": row.effective_on,
        }

    one, other = said(first), said(second)
    columns = []
    for name in one:
        if one[name] == other[name]:
            continue
        if name == "team_id":
            given = [
                c for c in ("team_code", "team_name") if first_raw.get(c, "").lower() != second_raw.get(c, "").lower()
            ]
            columns.extend(COLUMNS[c] for c in given)
        else:
            columns.append(COLUMNS[name])
    return columns


def _one_person(rows: list[PersonRow], today: datetime.date) -> PersonRow:
    """One person from their rows, one per assignment: the details of the lowest-numbered post they are still in,
    else of the post that ended last; no leave date while any post has none, else the latest; the start of the
    unbroken service that post is part of."""
    rows = sorted(rows, key=lambda row: _assignment_order(row.assignments[0]))
    in_post = [row for row in rows if row.fields["leave_date"] is None or row.fields["leave_date"] >= today]
    current = in_post[0] if in_post else max(rows, key=lambda row: row.fields["leave_date"])
    leave_dates = [row.fields["leave_date"] for row in rows]
    fields = {
        **current.fields,
        "start_date": _unbroken_service_start(rows, current),
        "leave_date": None if None in leave_dates else max(leave_dates),
    }
    return replace(current, assignments=[row.assignments[0] for row in rows], fields=fields)


def _assignment_order(number: str) -> tuple:
    """Posts in ESR's order: 1001-2 before 1001-10 (and a number with no suffix first)."""
    head, _, suffix = number.rpartition("-")
    return (head, int(suffix), "") if head and suffix.isdigit() else (number, -1, number)


def _unbroken_service_start(rows: list[PersonRow], current: PersonRow) -> datetime.date:
    """The first day of the service `current`'s post is part of: back through posts that overlap it or end the day
    before it starts, so someone who moved posts keeps their start date (and their first training deadlines)."""
    start = current.fields["start_date"]
    for row in sorted(rows, key=lambda row: row.fields["start_date"], reverse=True):
        leave = row.fields["leave_date"]
        if row.fields["start_date"] < start and (leave is None or leave >= start - datetime.timedelta(days=1)):
            start = row.fields["start_date"]
    return start


def _check_numbers_in_file(plan: RosterPlan, people: dict[str, PersonRow], rows: dict[str, PersonRow]) -> None:
    """Refuse anyone whose employee number is another person's assignment number in the file (`rows`: the row of
    each assignment): a completion given for that number could be recorded against either of them."""
    for number, person in list(people.items()):
        post = rows.get(number)
        if post is not None and post.employee_number != number:
            del people[number]
            plan.rejected.append(
                (
                    person.line,
                    f"Employee Number '{number}' is also an Assignment Number of employee {post.employee_number} "
                    f"(line {post.line}): give each person a number of their own",
                )
            )


def _resolve_supervisor_assignments(
    hierarchy: list[tuple[int, str]], people: dict[str, PersonRow], assignment_owner: dict[str, str]
) -> None:
    """Turn each supervisor's assignment number into the employee number of whoever holds that post: a row of this
    file, else someone already in the portal. An employee number given as well wins."""
    wanted = {p.manager_assignment for p in people.values() if p.manager_assignment and not p.manager_number}
    held = {a: assignment_owner[a] for a in wanted if a in assignment_owner}
    missing = [a for a in wanted if a not in held]
    if missing:
        held.update(
            Assignment.objects.filter(number__in=missing).values_list("number", "staff__employee_number").iterator()
        )
    for number, person in people.items():
        if person.manager_number or not person.manager_assignment:
            continue
        manager = held.get(person.manager_assignment)
        if manager is None:
            hierarchy.append(
                (
                    person.line,
                    f"Supervisor Assignment Number {person.manager_assignment} of employee "
                    f"{number} is held by no one in the file or the portal",
                )
            )
        else:
            person.manager_number = manager


def _read_row(line: int, raw: dict, teams: RosterTeams) -> tuple[PersonRow | None, str]:
    for name, value in raw.items():
        problem = hidden_character(value)
        if problem:
            return None, f"{COLUMNS[name]} contains {problem}"
        if len(value) > MAX_LENGTHS.get(name, len(value)):
            return None, f"{COLUMNS[name]} is longer than {MAX_LENGTHS[name]} characters"
    number = raw["employee_number"]
    if not number:
        return None, "Employee Number is empty"
    for name in ("first_name", "last_name"):
        if not raw[name]:
            return None, f"{'First Name' if name == 'first_name' else 'Last Name'} is empty"
    email = raw["work_email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        return None, f"Work Email '{raw['work_email']}' is not an email address"
    dates = {}
    for name, label in (
        ("start_date", "Start Date"),
        ("leave_date", "Leave Date"),
        ("effective_date", "Effective Date"),
    ):
        value = raw.get(name, "")
        if not value:
            dates[name] = None
            continue
        try:
            dates[name] = parse_date(value)
        except ValueError as error:
            return None, f"{label} {error}"
    if dates["start_date"] is None:
        return None, "Start Date is empty"
    latest_start = _years_ahead(timezone.localdate(), LATEST_START_YEARS_AHEAD)
    if not EARLIEST_START <= dates["start_date"] <= latest_start:
        return None, (
            f"Start Date {show_date(dates['start_date'])} is not between {show_date(EARLIEST_START)} "
            f"and {show_date(latest_start)}"
        )
    if dates["leave_date"] == END_OF_TIME:
        dates["leave_date"] = None
    if dates["leave_date"] and dates["leave_date"] < dates["start_date"]:
        return None, "Leave Date is before Start Date"
    error = _effective_date_error(dates["effective_date"], dates["start_date"])
    if error:
        return None, error
    code, team_name = raw.get("team_code", ""), raw.get("team_name", "")
    team, error = teams.find(code, team_name, leave_date=dates["leave_date"])
    if team is None:
        return None, error
    if team.closed_on and (dates["leave_date"] is None or dates["leave_date"] > team.closed_on):
        return (
            None,
            f"Team '{code or team_name}' closed on {show_date(team.closed_on)}: place the person in an open team",
        )
    employment_raw = raw.get("employment_type", "").strip().lower()
    if employment_raw not in EMPLOYMENT:
        return None, f"Employment Type '{raw.get('employment_type')}' is not Agency, Bank, Permanent or Y/N"
    fields = {
        "first_name": raw["first_name"],
        "last_name": raw["last_name"],
        "work_email": email,
        "job_title": raw.get("job_title", ""),
        "staff_group": raw.get("staff_group", ""),
        "team_id": team.pk,
        "start_date": dates["start_date"],
        "leave_date": dates["leave_date"],
        "employment_type": EMPLOYMENT[employment_raw],
    }
    assignment = raw.get("assignment_number") or number
    manager_number, manager_assignment = raw.get("manager_number", ""), raw.get("manager_assignment", "")
    return PersonRow(
        line, number, [assignment], fields, manager_number, manager_assignment, dates["effective_date"]
    ), ""


def _effective_date_error(effective: datetime.date | None, start: datetime.date) -> str:
    """What is wrong with the day a row's changes took effect, or "": on or after the start, and not ahead of today
    (a change that takes effect later goes in the file applied on or after that day)."""
    if effective is None:
        return ""
    if effective < start:
        return f"Effective Date {show_date(effective)} is before the Start Date {show_date(start)}"
    if effective > timezone.localdate():
        return (
            f"Effective Date {show_date(effective)} is in the future: apply the change in a file on or after that day"
        )
    return ""


def _years_ahead(day: datetime.date, years: int) -> datetime.date:
    return day.replace(year=day.year + years, day=28 if (day.month, day.day) == (2, 29) else day.day)


def _check_against_database(plan: RosterPlan, people: dict[str, PersonRow]) -> None:
    existing = {
        s.employee_number: s
        for s in StaffMember.objects.filter(employee_number__in=people).select_related("line_manager")
    }
    emails = dict(
        StaffMember.objects.filter(work_email__in=[p.fields["work_email"] for p in people.values()]).values_list(
            "work_email", "employee_number"
        )
    )
    assignments = [a for p in people.values() for a in p.assignments]
    owners = dict(Assignment.objects.filter(number__in=assignments).values_list("number", "staff__employee_number"))
    # An employee number that is someone's assignment number, or the other way round: the same number for two people
    posts_numbered = dict(Assignment.objects.filter(number__in=people).values_list("number", "staff__employee_number"))
    people_numbered = set(
        StaffMember.objects.filter(employee_number__in=assignments).values_list("employee_number", flat=True)
    )
    seen_emails: dict[str, str] = {}
    today = timezone.localdate()
    for number, person in people.items():
        email = person.fields["work_email"]
        if seen_emails.setdefault(email, number) != number or emails.get(email, number) != number:
            plan.rejected.append((person.line, f"Work Email '{email}' belongs to another employee"))
            continue
        clash = next((a for a in person.assignments if owners.get(a, number) != number), None)
        if clash:
            plan.rejected.append((person.line, f"Assignment Number '{clash}' belongs to employee {owners[clash]}"))
            continue
        if posts_numbered.get(number, number) != number:
            plan.rejected.append(
                (
                    person.line,
                    f"Employee Number '{number}' is an Assignment Number of employee {posts_numbered[number]} in the "
                    "portal: give each person a number of their own",
                )
            )
            continue
        clash = next((a for a in person.assignments if a != number and a in people_numbered), None)
        if clash:
            plan.rejected.append(
                (
                    person.line,
                    f"Assignment Number '{clash}' is the Employee Number of someone else in the portal: give each "
                    "person a number of their own",
                )
            )
            continue
        staff = existing.get(number)
        if staff is None:
            plan.to_create.append(person)
            continue
        diffs = {k: (getattr(staff, k), v) for k, v in person.fields.items() if getattr(staff, k) != v}
        current_manager = staff.line_manager.employee_number if staff.line_manager else ""
        if person.manager_number and person.manager_number != current_manager:
            diffs["line_manager"] = (current_manager, person.manager_number)
            if staff.line_manager:
                plan.manager_names[current_manager] = staff.line_manager.full_name
            new_manager = people.get(person.manager_number)
            if new_manager is not None:  # as the file names them
                plan.manager_names[person.manager_number] = (
                    f"{new_manager.fields['first_name']} {new_manager.fields['last_name']}"
                )
        if diffs:
            plan.to_change.append((staff, person, diffs))
        leave = person.fields["leave_date"]
        if leave and leave < today and (staff.leave_date is None or staff.leave_date >= today):
            plan.leavers.append(staff)
    _name_managers_in_the_portal(plan)
    _check_identity(plan)
    _check_new_people_accounts(plan)


def _name_managers_in_the_portal(plan: RosterPlan) -> None:
    """The names of new line managers the file does not hold, from the portal (one query)."""
    wanted = {d["line_manager"][1] for _, _, d in plan.to_change if "line_manager" in d} - plan.manager_names.keys()
    for number, first, last in StaffMember.objects.filter(employee_number__in=wanted).values_list(
        "employee_number", "first_name", "last_name"
    ):
        plan.manager_names[number] = f"{first} {last}"


def _check_identity(plan: RosterPlan) -> None:
    """List the changes to who someone is, and refuse any to the sign-in email of someone with HR or editor rights."""
    changing = [
        (s, p, d) for s, p, d in plan.to_change if IDENTITY_FIELDS[0] in d or {"first_name", "last_name"} <= d.keys()
    ]
    if not changing:
        return
    privileged = _privileged_user_ids([s.user_id for s, _, d in changing if "work_email" in d and s.user_id])
    taken = _sign_in_owners([d["work_email"][1] for _, _, d in changing if "work_email" in d])
    refused = set()
    for staff, person, diffs in changing:
        owner = taken.get(diffs["work_email"][1]) if "work_email" in diffs else None
        if owner is not None and owner != staff.user_id:
            refused.add(staff.pk)
            plan.rejected.append(
                (person.line, f"Work Email '{diffs['work_email'][1]}' is how another account signs in")
            )
            continue
        if "work_email" in diffs and staff.user_id in privileged:
            refused.add(staff.pk)
            old, new = diffs["work_email"]
            plan.rejected.append(
                (
                    person.line,
                    f"Work Email of {staff.full_name} (employee {staff.employee_number}) would change from {old} to "
                    f"{new}, but {staff.full_name} has HR or editor rights and signs in with it: an import never "
                    "changes it. Correct the file, or change the email with the person and the service desk",
                )
            )
            continue
        names = {"first_name", "last_name"} & diffs.keys()
        plan.identity.append(
            IdentityChange(
                staff=staff,
                person=person,
                changes=plan.describe({k: diffs[k] for k in sorted(diffs, key=lambda k: k not in IDENTITY_FIELDS)}),
                reused=len(names) == 2 or ("work_email" in diffs and bool(names)),
            )
        )
    plan.identity.sort(key=lambda c: c.person.line)
    if refused:
        plan.to_change = [c for c in plan.to_change if c[0].pk not in refused]


def _check_new_people_accounts(plan: RosterPlan) -> None:
    """A new person whose work email is already how an account signs in gets that account only if it is an ordinary
    one with no staff record, under that very address. Refuse the rest: an account with HR or editor rights (or a
    superuser's) would get a staff record, and a leave date would close it; one that is someone else's staff record's,
    or signs in with the address by another of its rows, would be shared."""
    taken = _sign_in_owners([p.fields["work_email"] for p in plan.to_create])
    if not taken:
        return
    accounts = {
        pk: (email, has_staff)
        for pk, email, has_staff in get_user_model()
        .objects.filter(pk__in=set(taken.values()))
        .values_list("pk", "email", "staff")
    }
    privileged = _privileged_user_ids(list(accounts))
    refused = set()
    for person in plan.to_create:
        email = person.fields["work_email"]
        owner = taken.get(email)
        if owner is None:
            continue
        account_email, has_staff = accounts[owner]
        if owner in privileged:
            reason = (
                f"Work Email '{email}' is how another account signs in, one with HR or editor rights: an import "
                "never gives it a staff record. Give the person their own work email, or ask the service desk"
            )
        elif has_staff is not None or account_email != email:
            reason = f"Work Email '{email}' is how another account signs in"
        else:
            continue  # their own account, made before the roster named them: they get it
        refused.add(person.employee_number)
        plan.rejected.append((person.line, reason))
    plan.to_create = [p for p in plan.to_create if p.employee_number not in refused]


def _sign_in_owners(emails: list[str]) -> dict[str, int]:
    """Which account signs in with each of these addresses (its email, or one of allauth's rows for it)."""
    if not emails:
        return {}
    owners = dict(
        EmailAddress.objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", "user_id")
    )
    owners.update(
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(address__in=emails)
        .values_list("address", "pk")
    )
    return owners


def _privileged_user_ids(user_ids: list[int]) -> set[int]:
    """Of these users, those with HR or editor rights (the CMS), or a superuser or staff (Django's admin flag): their
    email is how they sign in."""
    if not user_ids:
        return set()
    User = get_user_model()
    access_admin = Permission.objects.filter(codename="access_admin", content_type__app_label="wagtailadmin")
    return set(
        User.objects.filter(pk__in=user_ids)
        .filter(
            Q(is_superuser=True)
            | Q(is_staff=True)
            | Q(groups__name=HR_GROUP)
            | Q(groups__permissions__in=access_admin)
            | Q(user_permissions__in=access_admin)
        )
        .values_list("pk", flat=True)
    )


def _check_hierarchy(hierarchy: list[tuple[int, str]], people: dict[str, PersonRow]) -> None:
    known = set(people) | set(
        StaffMember.objects.filter(employee_number__in={p.manager_number for p in people.values()}).values_list(
            "employee_number", flat=True
        )
    )
    managers = {n: p.manager_number for n, p in people.items() if p.manager_number}
    for number, manager in managers.items():
        line = people[number].line
        if manager not in known:
            hierarchy.append((line, f"line manager {manager} of employee {number} is unknown"))
        elif manager == number:
            hierarchy.append((line, f"employee {number} is their own line manager"))
    reported = set()
    for start in managers:
        seen, node = [], start
        while node in managers and node not in seen:
            seen.append(node)
            node = managers[node]
        if node in seen:
            cycle = seen[seen.index(node) :]
            if len(cycle) > 1 and frozenset(cycle) not in reported:
                reported.add(frozenset(cycle))
                named = [f"{n} (line {people[n].line})" for n in [*cycle, node]]
                line = min(people[n].line for n in cycle)
                hierarchy.append((line, "line manager cycle: " + " → ".join(named)))


@dataclass
class SignInMoved:
    """A confirmed change of work email that moved the person's account with it: both addresses are to be told."""

    staff: StaffMember
    old: str
    new: str


@dataclass
class RosterApplied:
    # StaffMember rows to invite once the transaction commits: those created and still in post, and those whose account
    # the roster opened again who have no password yet
    new_people: list
    touched_ids: list  # every StaffMember created or changed: their standing must follow (portal.compliance.roster)
    moved: list[SignInMoved] = field(default_factory=list)  # accounts whose sign-in email changed: tell both


@transaction.atomic
def apply_roster_changes(plan: RosterPlan, *, confirmed_identity: str = "") -> RosterApplied:
    """Apply a clean plan's changes to people, teams and managers, in one transaction. Standing is not refreshed
    here: call portal.compliance.roster.roster_apply, which does both. Changes to anyone's identity apply only with
    `confirmed_identity` equal to the plan's `identity_fingerprint` (HR confirmed exactly these)."""
    if not plan.can_apply:
        raise ValueError("This roster has rejected rows or problems; fix the file and try again.")
    if plan.needs_confirmation(confirmed_identity):
        raise ValueError(
            "Not applied: this roster changes who some people are (work email or names); confirm those changes on "
            "the dry run (or with --confirm-identity-changes) and apply again. Nothing was changed."
        )
    User = get_user_model()
    users = {u.email: u for u in User.objects.filter(email__in=[p.fields["work_email"] for p in plan.to_create])}
    new_users = [
        User(email=p.fields["work_email"], first_name=p.fields["first_name"], last_name=p.fields["last_name"])
        for p in plan.to_create
        if p.fields["work_email"] not in users
    ]
    today = timezone.localdate()
    leaving = {
        p.fields["work_email"] for p in plan.to_create if p.fields["leave_date"] and p.fields["leave_date"] < today
    }
    unusable = make_password(None)  # the new person sets their own from the invitation link
    for user in new_users:
        user.password = unusable
        user.is_active = user.email not in leaving
    User.objects.bulk_create(new_users, batch_size=1000)
    users = {u.email: u for u in User.objects.filter(email__in=[p.fields["work_email"] for p in plan.to_create])}
    created = [
        StaffMember(employee_number=p.employee_number, user=users[p.fields["work_email"]], **p.fields)
        for p in plan.to_create
    ]
    StaffMember.objects.bulk_create(created, batch_size=1000)
    by_number = {
        s.employee_number: s
        for s in StaffMember.objects.filter(employee_number__in=[p.employee_number for p in plan.to_create])
    }
    Assignment.objects.bulk_create(
        [Assignment(staff=by_number[p.employee_number], number=a) for p in plan.to_create for a in p.assignments],
        batch_size=1000,
        ignore_conflicts=True,
    )
    changed = []
    for staff, person, diffs in plan.to_change:
        for name, (_, new) in diffs.items():
            if name != "line_manager":  # set below, once every new manager exists
                setattr(staff, name, new)
        changed.append(staff)
        Assignment.objects.bulk_create(
            [Assignment(staff=staff, number=a) for a in person.assignments], ignore_conflicts=True
        )
    StaffMember.objects.bulk_update(changed, list(TRACKED), batch_size=1000)
    moved = _move_sign_in_emails(plan)
    _apply_managers(plan)
    leaver_users = [s.user_id for s in plan.leavers if s.user_id]
    # Closing an account raises its session epoch too, as every change to someone's access does (portal.accounts).
    closed = {"is_active": False, "session_epoch": F("session_epoch") + 1}
    User.objects.filter(pk__in=leaver_users, is_active=True).update(**closed)
    # Someone whose leave date was their last day when an earlier file was applied has left since: close them too.
    User.objects.filter(staff__leave_date__lt=today, is_active=True).update(**closed)
    to_invite = _reopen(_returners(plan.to_change, today))
    touched = list(
        StaffMember.objects.filter(
            employee_number__in=[p.employee_number for p in plan.to_create]
            + [s.employee_number for s, _, _ in plan.to_change]
        )
    )
    starting = {p.employee_number for p in plan.to_create}
    dated = {
        p.employee_number: p.effective_on
        for p in [*plan.to_create, *(p for _, p, _ in plan.to_change)]
        if p.effective_on and p.employee_number not in starting
    }
    staff_changes_record(
        touched, effective={s.pk: dated[s.employee_number] for s in touched if s.employee_number in dated}
    )
    new_people = [by_number[p.employee_number] for p in plan.to_create if p.fields["work_email"] not in leaving]
    return RosterApplied(new_people=new_people + to_invite, touched_ids=[s.pk for s in touched], moved=moved)


def _returners(to_change: list, today: datetime.date) -> list[StaffMember]:
    """Of the people to change, those whose leave date moves from the past to none, today or later."""
    return [
        staff
        for staff, _, diffs in to_change
        if "leave_date" in diffs
        and diffs["leave_date"][0] is not None
        and diffs["leave_date"][0] < today
        and (diffs["leave_date"][1] is None or diffs["leave_date"][1] >= today)
    ]


def _reopen(returners: list[StaffMember]) -> list[StaffMember]:
    """Open again the accounts of people who had left and no longer have, as closing them did: active, every session
    ended. Not an account closed by hand (its last change of active in the audit log is to closed: the roster's own
    closing writes none there). Returns those of them with no password yet, to invite as new people are."""
    returning = {s.user_id: s for s in returners if s.user_id}
    if not returning:
        return []
    User = get_user_model()
    closed = dict(User.objects.filter(pk__in=returning, is_active=False).values_list("pk", "email"))
    closed_by_hand = _closed_by_hand(closed.values())
    reopening = [pk for pk, email in closed.items() if email not in closed_by_hand]
    User.objects.filter(pk__in=reopening).update(is_active=True, session_epoch=F("session_epoch") + 1)
    for pk in reopening:
        audit_record(
            actor="a roster import",
            action=AuditEvent.ROLE_CHANGED,
            scope=f"{closed[pk]}: is_active now True (the roster cleared or moved on their leave date)",
        )
    return [
        returning[user.pk]
        for user in User.objects.filter(pk__in=reopening).only("password")
        if not user.has_usable_password()
    ]


def _closed_by_hand(emails) -> set[str]:
    """Of these accounts' sign-in emails, those whose account was last closed by hand: the user editor's saves are
    audited ("sam@x: is_active now False", portal.accounts.receivers), the roster's own closing is not."""
    emails = set(emails)
    if not emails:
        return set()
    about = Q()
    for email in emails:
        about |= Q(scope__startswith=f"{email}: ")
    last = {}
    for scope in (
        AuditEvent.objects.filter(about, action=AuditEvent.ROLE_CHANGED, scope__contains="is_active now")
        .order_by("at", "pk")
        .values_list("scope", flat=True)
    ):
        email, _, change = scope.partition(": ")
        last[email] = "is_active now False" in change
    return {email for email, closed in last.items() if closed and email in emails}


def _move_sign_in_emails(plan: RosterPlan) -> list[SignInMoved]:
    """The account goes with the employee number: a confirmed new work email becomes the account's sign-in email (its
    allauth address row too, if it has one: accounts are made without one, and allauth keeps at most the sign-in
    address, verified and primary), and every session of the account ends, so whoever held it under the old address
    is signed out. Privileged accounts never get here (`_check_identity` refuses them)."""
    User = get_user_model()
    moved = []
    for staff, _, diffs in plan.to_change:
        if "work_email" not in diffs or not staff.user_id:
            continue
        user = User.objects.select_for_update().get(pk=staff.user_id)
        old, new = user.email, diffs["work_email"][1]
        if old == new:
            continue
        User.objects.filter(pk=user.pk).update(email=new, session_epoch=F("session_epoch") + 1)
        addresses = EmailAddress.objects.filter(user_id=user.pk)
        if addresses.exists():
            addresses.delete()
            EmailAddress.objects.create(user_id=user.pk, email=new, verified=True, primary=True)
        moved.append(SignInMoved(staff=staff, old=old, new=new))
    return moved


def _apply_managers(plan: RosterPlan) -> None:
    """Point people at their line managers: one UPDATE per manager, far faster than a CASE over thousands of rows."""
    rows = [p for p in plan.to_create if p.manager_number] + [p for _, p, _ in plan.to_change if p.manager_number]
    numbers = {p.employee_number for p in rows} | {p.manager_number for p in rows}
    by_number = dict(StaffMember.objects.filter(employee_number__in=numbers).values_list("employee_number", "pk"))
    current = dict(
        StaffMember.objects.filter(employee_number__in=[p.employee_number for p in rows]).values_list(
            "employee_number", "line_manager_id"
        )
    )
    reports = defaultdict(list)
    for person in rows:
        manager_id = by_number.get(person.manager_number)
        if manager_id and current.get(person.employee_number) != manager_id:
            reports[manager_id].append(by_number[person.employee_number])
    for manager_id, staff_ids in reports.items():
        StaffMember.objects.filter(pk__in=staff_ids).update(line_manager_id=manager_id)
