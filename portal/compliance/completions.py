"""Importing completions from the national e-learning records (ESR "Compliance and Competency" shape).

A person is named by an assignment or employee number, either in its own column or in a cell like
"A01|Surname, Forename". Each competence name (e.g. "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|") is mapped to
a requirement once by HR (capitals and runs of spaces do not matter); rows whose competence has no mapping are listed as
skipped, not rejected, and so are the rows of a course mapped to a requirement HR has retired, completed on or after
the day it was retired (named with it, and what to do): no one is asked to do it any more. The same completion
(person, requirement, date) imported twice, from any file, is one fact, and so is one HR verified a certificate of.

An ESR compliance report also lists people who have not done a course (a blank achievement date): those rows are
counted and skipped. People not on the roster (leavers, another organisation's staff in a shared extract) are listed
by line and skipped, unless the import is strict; malformed rows still block the file. A completion dated after the
person's leave date is listed by line and skipped too, strict or not: the national record follows people to their next
employer, so it is a fact of their time there, not training done here (if they come back, an import after the roster
says so records it).

Only external courses take imported completions: a policy is attested and a module completed in the portal itself.
Dates are bounded (docs/import-completions.md): no completion before 1990 or in the future, and an expiry after the
completion and no later than the requirement's renewal period allows (or ten years, for a requirement without one).
"""

import csv
import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone

from portal.lib.csvfiles import CsvFileError, parse_date, read_table, show_date
from portal.lib.formula_text import neutralise
from portal.lib.text import hidden_character
from portal.people.models import Assignment, StaffMember
from portal.people.roster.numbers import number_error, rewritten_number_error, zero_twin_error, zero_twins
from portal.people.roster.rows import END_OF_TIME

from .completion_facts import leave_out_recorded
from .dates import add_months
from .mappings import MappingError, competence_key, competence_mapping_save  # noqa: F401 (the others' old home)
from .models import CompetenceMapping, Requirement

ALIASES = {
    **dict.fromkeys(["person", "employee", "personname", "employeename", "assignmentperson"], "person"),
    **dict.fromkeys(["employeenumber", "personnumber", "staffnumber"], "employee_number"),
    **dict.fromkeys(["assignmentnumber", "assignmentno", "assignment"], "assignment_number"),
    **dict.fromkeys(
        ["competencename", "competence", "competency", "competencyname", "course", "coursename"], "competence"
    ),
    **dict.fromkeys(["achievementdate", "completiondate", "dateachieved", "completed", "datecompleted"], "completed"),
    **dict.fromkeys(["expirydate", "renewaldate", "expiry", "expires", "validuntil"], "expiry"),
}
REQUIRED = {"competence", "completed"}
# The fields that name the person by number, read without thousands separators (`csvfiles.number_value`): "Person" is
# one when it holds the number alone.
NUMBERS = {"person", "employee_number", "assignment_number"}
LABELS = {"competence": "Competence Name", "completed": "Achievement Date"}
COLUMNS = {
    "person": "Person",
    "employee_number": "Employee Number",
    "assignment_number": "Assignment Number",
    "competence": "Competence Name",
    "completed": "Completion Date",
    "expiry": "Expiry Date",
}
EARLIEST_COMPLETION = datetime.date(1990, 1, 1)
LONGEST_WITHOUT_RENEWAL_MONTHS = 10 * 12
NO_EXPIRY = {"", "no expiry", "n/a", "none", "never"}


@dataclass
class CompletionRow:
    line: int
    staff_id: int
    requirement_id: int
    completed_on: datetime.date
    expires_on: datetime.date | None
    number: str = ""  # as the file names the person
    competence: str = ""

    @property
    def key(self) -> str:
        return f"import:{self.staff_id}:{self.requirement_id}:{self.completed_on.isoformat()}"


@dataclass
class RetiredCourse:
    """A course mapped to a requirement HR has retired since: its rows completed on or after that day are skipped, as
    no one is asked to do it any more (`_done_while_in_force`)."""

    requirement: str
    retired_on: datetime.date | None
    rows: int = 0

    def warning(self, course: str) -> str:
        when = f" on {show_date(self.retired_on)}" if self.retired_on else ""
        since = " completed since then" if self.retired_on else ""  # those before it are recorded
        rows = f"its 1 row{since} is" if self.rows == 1 else f"its {self.rows} rows{since} are"
        return (
            f"'{course}' counts towards {self.requirement}, which was retired{when}: {rows} not recorded. If another "
            "requirement has taken its place, map the course to that one in the CMS (Settings > Course mappings); if "
            "not, nothing needs doing"
        )


@dataclass
class CompletionPlan:
    to_record: list[CompletionRow] = field(default_factory=list)
    already: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    retired: dict[str, RetiredCourse] = field(default_factory=dict)  # by course, in the file's order: skipped
    rejected: list[tuple[int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rows: int = 0
    sha256: str = ""
    not_completed: int = 0  # rows with a blank achievement date: the course is not done yet
    not_on_roster: list[tuple[int, str]] = field(default_factory=list)  # (line, the number given), skipped
    after_leaving: list[tuple[int, str]] = field(default_factory=list)  # (line, why), skipped, strict or not
    voided: list[tuple[int, str]] = field(default_factory=list)  # (line, when HR voided it): not recorded again
    other_expiry: list[tuple[int, str]] = field(default_factory=list)  # (line, both dates): recorded, its date kept
    unused: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    hidden: str = ""  # rows Excel hides, read all the same (csvfiles.Table.hidden)
    strict: bool = False

    @property
    def can_apply(self) -> bool:
        return not self.rejected and not self.problems

    @property
    def summary(self) -> dict:
        return {
            "rows": self.rows,
            "to_record": len(self.to_record),
            "already_recorded": self.already,
            "already_recorded_other_expiry": len(self.other_expiry),
            "not_recorded_voided": len(self.voided),
            "skipped_unmapped": sum(self.skipped.values()),
            "skipped_retired": sum(course.rows for course in self.retired.values()),
            "skipped_not_completed": self.not_completed,
            "skipped_not_on_roster": len(self.not_on_roster),
            "skipped_after_leaving": len(self.after_leaving),
            "rejected": len(self.rejected),
        }

    @property
    def fingerprint(self) -> str:
        """Names what applying this plan would do (which completions it records, with their expiry, from which lines;
        which rows and problems stop it): a dry run made again finds the same only if the file, the people, the
        course mappings and the ledger are as they were, so an apply asked for from a dry run shown earlier can tell
        that it would record what was shown."""
        recorded = sorted((r.line, r.key, r.expires_on) for r in self.to_record)
        return hashlib.sha256(repr((recorded, self.rejected, self.problems)).encode()).hexdigest()[:20]

    def retired_warnings(self) -> list[str]:
        """Why the rows of each course mapped to a retired requirement are skipped, and what to do."""
        return [retired.warning(course) for course, retired in self.retired.items()]

    def accounts(self) -> list[int]:
        """The user ids of the people whose completions it records (those with an account)."""
        ids = sorted({r.staff_id for r in self.to_record})
        users = set()
        for chunk in _chunks(ids):
            users.update(StaffMember.objects.filter(pk__in=chunk, user__isnull=False).values_list("user_id", flat=True))
        return sorted(users)

    @property
    def listing_shown(self) -> list[dict]:
        """The first 200 of the listing, for the dry run's page (the download has them all)."""
        return self.listing(200)

    def listing(self, limit: int | None = None) -> list[dict]:
        """Who and what would be recorded, in file order: person, course, requirement, completion date, expiry."""
        rows = sorted(self.to_record, key=lambda r: r.line)[:limit]
        people = {}
        ids = list({r.staff_id for r in rows})
        for chunk in _chunks(ids):
            people.update(
                (pk, (number, f"{first} {last}"))
                for pk, number, first, last in StaffMember.objects.filter(pk__in=chunk).values_list(
                    "pk", "employee_number", "first_name", "last_name"
                )
            )
        names = dict(Requirement.objects.filter(pk__in={r.requirement_id for r in rows}).values_list("pk", "name"))
        return [
            {
                "line": r.line,
                "employee_number": people[r.staff_id][0],
                "name": people[r.staff_id][1],
                "course": r.competence,
                "requirement": names[r.requirement_id],
                "completed_on": r.completed_on,
                "expires_on": r.expires_on,
            }
            for r in rows
        ]


LISTING_HEADER = ["Line", "Employee number", "Name", "Course", "Requirement", "Completed", "Expires"]


def completions_listing_csv(plan: CompletionPlan, out) -> None:
    """Write who and what the dry run would record, one row each, as CSV to `out` (the dry run page's download and
    the command's --list): a spreadsheet-safe CSV, in which no cell starts a formula."""
    writer = csv.writer(out)
    writer.writerow(LISTING_HEADER)
    for row in plan.listing():
        cells = [
            row["line"],
            row["employee_number"],
            row["name"],
            row["course"],
            row["requirement"],
            row["completed_on"].isoformat(),
            row["expires_on"].isoformat() if row["expires_on"] else "",
        ]
        writer.writerow([neutralise(cell) for cell in cells])


def _person_number(raw: dict) -> str:
    return _person_number_and_column(raw)[0]


def _person_number_and_column(raw: dict) -> tuple[str, str]:
    """The number naming the person, and the column it is read from (for a message)."""
    for name in ("assignment_number", "employee_number"):
        if raw.get(name):
            return raw[name], COLUMNS[name]
    return raw.get("person", "").split("|", 1)[0].strip(), COLUMNS["person"]


def plan_completions(data: bytes, *, strict: bool = False, sheet: str = "", **_options) -> CompletionPlan:
    """Read the file (CSV or XLSX) and compare it with the ledger. Writes nothing. `strict` makes a person not on the
    roster an error rather than a skipped row."""
    plan = CompletionPlan(sha256=hashlib.sha256(data).hexdigest(), strict=strict)
    try:
        table = read_table(data, ALIASES, REQUIRED, {**COLUMNS, **LABELS}, sheet=sheet, numbers=NUMBERS)
    except CsvFileError as error:
        plan.problems.append(str(error))
        return plan
    records, plan.unused, plan.ignored, plan.hidden = table.records, table.unused, table.ignored, table.hidden
    plan.problems.extend(table.doubtful_problems())
    if records and not ({"person", "employee_number", "assignment_number"} & records[0][1].keys()):
        plan.problems.append("The file has no column naming the person (Person, Employee Number or Assignment Number).")
        return plan
    plan.rows = len(records)
    readable = []
    for line, raw in records:
        error = _hidden_character_error(raw)
        if error:
            plan.rejected.append((line, error))
        else:
            readable.append((line, raw))
    mappings = _mappings_by_key()
    numbers = {_person_number(raw) for _, raw in readable}
    found_people = _people_by_number(numbers)
    people = {number: staff_id for number, (staff_id, _) in found_people.items()}
    leave_dates = dict(found_people.values())
    twins = zero_twins(numbers - people.keys())
    today = timezone.localdate()
    seen: dict[str, CompletionRow] = {}  # the first row of each completion
    for line, raw in readable:
        if not raw["completed"]:
            plan.not_completed += 1
            continue
        competence = raw["competence"]
        found = mappings.get(competence_key(competence))
        if found is None:
            plan.skipped[competence] = plan.skipped.get(competence, 0) + 1
            continue
        if len({mapping[0] for mapping in found.values()}) > 1:
            plan.rejected.append((line, _ambiguous_error(competence, found)))
            continue
        requirement_id, kind, renewal_months, active, retired_on, requirement_name = next(iter(found.values()))
        if not active and not _done_while_in_force(raw, retired_on, today):
            plan.retired.setdefault(competence, RetiredCourse(requirement_name, retired_on)).rows += 1
            continue
        number = _person_number(raw)
        if not number:
            plan.rejected.append((line, "No assignment or employee number for the person"))
            continue
        staff_id = people.get(number)
        if staff_id is None and number in twins:
            plan.rejected.append((line, zero_twin_error(number, twins[number], "Person")))
            continue
        if staff_id is None and rewritten_number_error(number, "Person"):
            plan.rejected.append((line, rewritten_number_error(number, "Person")))
            continue
        # "N/A", "-", "TBC", a date Excel made of it: no one's number, and no sign of a leaver (a real number nobody
        # holds is): refused in the roster import's words, as a row that cannot be read, strict or not
        error = number_error(number, _person_number_and_column(raw)[1]) if staff_id is None else ""
        if error:
            plan.rejected.append((line, error))
            continue
        if staff_id is None:
            if strict:
                plan.rejected.append((line, f"Person '{number}' is not on the roster"))
            else:
                plan.not_on_roster.append((line, number))
            continue
        dates, error = _read_dates(raw, today)
        if error:
            plan.rejected.append((line, error))
            continue
        completed, expires = dates
        error = _requirement_error(competence, kind, renewal_months, requirement_name, completed, expires)
        if error:
            plan.rejected.append((line, error))
            continue
        left = leave_dates.get(staff_id)
        if left is not None and completed > left:
            plan.after_leaving.append((line, _after_leaving_warning(number, completed, left)))
            continue
        row = CompletionRow(line, staff_id, requirement_id, completed, expires, number, competence)
        first = seen.setdefault(row.key, row)
        if first is not row:
            if first.expires_on != row.expires_on:
                plan.rejected.append((line, _conflict_error(first, row, requirement_name)))
            else:
                plan.already += 1
            continue
        plan.to_record.append(row)
    leave_out_recorded(plan)
    plan.rejected.sort()
    return plan


def people_by_number(numbers) -> dict[str, int]:
    """The staff id each number names, as the import reads a person's number: an assignment number first, then an
    employee number. A number that is one person's assignment (E123-2, a second post) and another's employee number
    names the first. Anything that checks who an import would record asks this, so the two cannot differ."""
    return {number: staff_id for number, (staff_id, _) in _people_by_number(numbers).items()}


def _people_by_number(numbers) -> dict[str, tuple[int, datetime.date | None]]:
    """`people_by_number`, each staff id with the person's leave date (None while in post): the same two queries."""
    people = {
        number: (staff_id, left)
        for number, staff_id, left in Assignment.objects.filter(number__in=numbers).values_list(
            "number", "staff_id", "staff__leave_date"
        )
    }
    for number, staff_id, left in StaffMember.objects.filter(employee_number__in=numbers).values_list(
        "employee_number", "pk", "leave_date"
    ):
        people.setdefault(number, (staff_id, left))
    return people


def _after_leaving_warning(number: str, completed: datetime.date, left: datetime.date) -> str:
    """Why a row is skipped whose completion is dated after the person's leave date."""
    return (
        f"Person '{number}' left on {show_date(left)}, before this completion on {show_date(completed)}: a course done "
        "after leaving is not training done here, so it is not recorded"
    )


def _hidden_character_error(raw: dict) -> str:
    for name, value in raw.items():
        problem = hidden_character(value)
        if problem:
            return f"{COLUMNS[name]} contains {problem}"
    return ""


def _done_while_in_force(raw: dict, retired_on: datetime.date | None, today: datetime.date) -> bool:
    """Whether a row of a course whose requirement is retired was completed before the day it was retired: a fact of
    the days it was in force, which reports as at them count (`Requirement.in_force_on`), so a file arriving late
    records it, as a leaver's training done while they worked here is. Its dates, if unreadable, do not stop the file:
    the row is skipped with the rest of the course's."""
    dates, error = _read_dates(raw, today)
    return retired_on is not None and not error and dates[0] < retired_on


def _read_dates(raw: dict, today: datetime.date) -> tuple[tuple[datetime.date, datetime.date | None] | None, str]:
    """((completed, expires), "") or (None, what is wrong), for the checks that need no requirement."""
    try:
        completed = parse_date(raw["completed"])
    except ValueError as error:
        return None, f"Completion Date {error}"
    if completed > today:
        return None, f"Completion Date {show_date(completed)} is in the future"
    if completed < EARLIEST_COMPLETION:
        return None, f"Completion Date {show_date(completed)} is before {show_date(EARLIEST_COMPLETION)}"
    expiry_text = raw.get("expiry", "").strip()
    if expiry_text.lower() in NO_EXPIRY:
        return (completed, None), ""
    try:
        expires = parse_date(expiry_text)
    except ValueError as error:
        return None, f"Expiry Date {error}"
    if expires == END_OF_TIME:  # however written: 31/12/4712, 31-Dec-4712, or a date cell of an Excel download
        return (completed, None), ""
    if expires < completed:
        return None, f"Expiry Date {show_date(expires)} is before the Completion Date {show_date(completed)}"
    if expires == completed:
        return None, f"Expiry Date {show_date(expires)} is the same day as the Completion Date"
    return (completed, expires), ""


def _requirement_error(competence, kind, renewal_months, requirement_name, completed, expires) -> str:
    if kind != Requirement.EXTERNAL_COURSE:
        return (
            f"'{competence}' is mapped to {requirement_name}, which is not an external course: only external "
            "courses take imported completions. Change the course mapping."
        )
    latest = add_months(completed, renewal_months or LONGEST_WITHOUT_RENEWAL_MONTHS)
    if expires is None or expires <= latest:
        return ""
    why = (
        f"the renewal period of {requirement_name} is {renewal_months} months"
        if renewal_months
        else f"{requirement_name} has no renewal period, and ten years is the longest accepted"
    )
    return f"Expiry Date {show_date(expires)} is later than {show_date(latest)}: {why}"


def _conflict_error(first: CompletionRow, row: CompletionRow, requirement_name: str) -> str:
    """Why a row is refused that repeats an earlier row's completion (person, requirement, day) with another expiry."""

    def expiry(r: CompletionRow) -> str:
        return show_date(r.expires_on) if r.expires_on else "none"

    return (
        f"Line {first.line} gives the same completion of {requirement_name} on {show_date(row.completed_on)} with "
        f"another Expiry Date ({expiry(first)} there, {expiry(row)} here): keep the right one"
    )


def _mappings_by_key() -> dict[str, dict[str, tuple]]:
    """Each course mapping, {key: {course name as mapped: (requirement id, kind, renewal months, whether in use, the
    day it was retired, name)}}: one query. A key holds two names only for mappings made before names were matched
    this way."""
    mappings: dict[str, dict[str, tuple]] = {}
    for name, *mapped in CompetenceMapping.objects.values_list(
        "competence_name",
        "requirement_id",
        "requirement__kind",
        "requirement__renewal_months",
        "requirement__active",
        "requirement__retired_on",
        "requirement__name",
    ).order_by("competence_name"):
        mappings.setdefault(competence_key(name), {})[name] = tuple(mapped)
    return mappings


def mappings_basis() -> str:
    """The course mappings as a plan reads them (with each requirement's kind, renewal period, whether it is retired,
    and name), as a short text: a dry run made with other mappings would skip, refuse or record other rows. One
    query."""
    return hashlib.sha256(repr(sorted(_mappings_by_key().items())).encode()).hexdigest()[:20]


def _ambiguous_error(competence: str, found: dict[str, tuple]) -> str:
    mapped = "; ".join(f"'{name}' to {requirement_name}" for name, (*_, requirement_name) in found.items())
    return (
        f"'{competence}' matches course mappings that count towards different requirements ({mapped}): capitals and "
        "spaces do not matter, so remove all but one in the CMS (Settings > Course mappings)"
    )


def _chunks(items: list, size: int = 5000):
    """IN lists in slices: SQLite refuses statements with too many parameters."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
