"""Reading a roster file's rows: the columns the import knows and how long each may be, each row read and checked
into a `PersonRow` (or refused with what is wrong), and one person's rows, one per post, made one person."""

import datetime
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from portal.lib.csvfiles import parse_date, quoted, show_date
from portal.lib.text import hidden_character

from ..models import Assignment, StaffMember
from .numbers import number_error, rewritten_number_error
from .teams import RosterTeams

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
# The fields holding a person's or a post's number, read without thousands separators (`csvfiles.number_value`).
NUMBERS = {"employee_number", "assignment_number", "manager_number", "manager_assignment"}
# The fields holding a name, read with ordinary spaces (`csvfiles.name_value`).
NAMES = {"first_name", "last_name", "team_name", "job_title", "staff_group"}
# The fields a file may leave out: without the column, a person's value is kept (a new person's is blank).
OPTIONAL_FIELDS = {"job_title", "staff_group", "leave_date", "employment_type"}
# The columns that name a line manager. A file without either keeps the line manager held; with one, a person whose
# supervisor is blank has none (as ESR reports someone whose supervisor's post is empty, or who moved to a post with
# no supervisor)
MANAGER_COLUMNS = {"manager_number", "manager_assignment"}
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


@dataclass
class PersonRow:
    line: int
    employee_number: str
    assignments: list[str]
    fields: dict
    manager_number: str = ""
    manager_assignment: str = ""
    effective_on: datetime.date | None = None  # the day the row's changes took effect, if the file says
    # False when the row gives no Assignment Number (no column, or an empty cell): `assignments` then holds the
    # employee number, the post a new person gets, until the dry run finds the post the portal holds
    post_named: bool = True
    # Each post's own facts, from its own row: assignment number -> (team id, start date, leave date)
    posts: dict = field(default_factory=dict)


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
    posts = {number: facts for row in rows for number, facts in row.posts.items()}
    return replace(current, assignments=[row.assignments[0] for row in rows], fields=fields, posts=posts)


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


def _read_row(
    line: int, raw: dict, teams: RosterTeams, *, leave_dates_held: dict | None = None
) -> tuple[PersonRow | None, str]:
    """The row as a `PersonRow` and "", or None and what is wrong, to follow "Line N: ". `leave_dates_held`
    ((employee number, post's number) -> the post's last day the portal holds, `dry_run._leave_dates_held`) is for a
    file without a leave-date column: a row's team may be one closed after the post ended, and the file says nothing
    to the contrary."""
    for name, value in raw.items():
        problem = hidden_character(value)
        if problem:
            return None, f"{COLUMNS[name]} contains {problem}"
        if len(value) > MAX_LENGTHS.get(name, len(value)):
            return None, f"{COLUMNS[name]} is longer than {MAX_LENGTHS[name]} characters"
    number = raw["employee_number"]
    if not number:
        return None, "Employee Number is empty"
    for name in ("employee_number", "assignment_number"):  # stored as they are read
        error = number_error(raw.get(name, ""), COLUMNS[name])
        if error:
            return None, error
    for name in ("manager_number", "manager_assignment"):  # held by someone, or refused as no one's
        error = rewritten_number_error(raw.get(name, ""), COLUMNS[name])
        if error:
            return None, error
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
        return None, (
            f"Leave Date {show_date(dates['leave_date'])} is before the Start Date {show_date(dates['start_date'])}"
        )
    error = _effective_date_error(dates["effective_date"], dates["start_date"])
    if error:
        return None, error
    post = raw.get("assignment_number", "") or number
    left_on = dates["leave_date"]
    if leave_dates_held is not None:  # the post's last day as held, else its holder's (a post not held yet)
        left_on = leave_dates_held.get((number, post), leave_dates_held.get((number, "")))
    code, team_name = raw.get("team_code", ""), raw.get("team_name", "")
    team, error = teams.find(code, team_name, leave_date=left_on)
    if team is None:
        return None, error
    if team.closed_on and (left_on is None or left_on > team.closed_on):
        return (
            None,
            f"Team '{code or team_name}' closed on {show_date(team.closed_on)}: place the person in an open team",
        )
    employment_raw = raw.get("employment_type", "").strip().lower()
    if employment_raw not in EMPLOYMENT:
        return None, f"Employment Type '{quoted(raw['employment_type'])}' is not Agency, Bank, Permanent or Y/N"
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
    assignment = raw.get("assignment_number", "")
    manager_number, manager_assignment = raw.get("manager_number", ""), raw.get("manager_assignment", "")
    return PersonRow(
        line,
        number,
        [assignment or number],
        fields,
        manager_number,
        manager_assignment,
        dates["effective_date"],
        post_named=bool(assignment),
        posts={assignment or number: (team.pk, dates["start_date"], dates["leave_date"])},
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
