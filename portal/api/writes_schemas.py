"""The rows a write takes: each is a line of the file the import would read, and is checked as a line would be."""

import datetime
import re
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict, ValidationInfo, field_validator, model_validator

from portal.lib.csvfiles import cell_value, name_value, number_value
from portal.lib.text import hidden_character

from .problems import sent_value

MAX_ROWS = 10_000
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class Strict(Schema):
    """A request body, or a row of one, that refuses a field it does not take: an ignored field would be a value the
    sender thinks was recorded ("expiry_date" for `expires_on`, a completion then kept with no expiry)."""

    model_config = ConfigDict(extra="forbid")


# The fields of a row that name a person or a post by number: the import reads them without thousands separators.
NUMBER_FIELDS = {"employee_number", "assignment_number", "manager_employee_number", "manager_assignment_number"}
# The fields of a row that hold a name: the import reads their spaces as ordinary ones.
NAME_FIELDS = {"first_name", "last_name", "team_name", "job_title", "staff_group"}


class Row(Strict):
    @field_validator("*", mode="before")
    @classmethod
    def _as_the_import_reads_it(cls, value, info: ValidationInfo):
        # Before any check: a team client's scope is checked against the value the import will match, and the import
        # trims every cell, so " E0000007" must be checked as E0000007, not as a number that names nobody; and it
        # reads a number's thousands separators as none, so "12,345,678" must be checked as 12345678, and a name's
        # no-break spaces as ordinary ones, so the team "Ward\u00a07" must be checked as Ward 7.
        if not isinstance(value, str):
            return value
        if info.field_name in NUMBER_FIELDS:
            return number_value(value)
        return name_value(value) if info.field_name in NAME_FIELDS else cell_value(value)

    @field_validator("*")
    @classmethod
    def _visible(cls, value):
        if isinstance(value, str):
            problem = hidden_character(value)
            if problem:
                raise ValueError(f"contains {problem}")
        return value


def written_day(value):
    """A date as the API takes it: YYYY-MM-DD, or empty (None: no expiry, no leave date, as an empty cell). pydantic
    would also read a number, or a string of digits, as seconds since 1970 (1735689600 is 1 January 2025), and tell
    "20250101" it "should have zero time": a file's date cell holding either is refused, so here they are too, in
    words that say how to write it."""
    if isinstance(value, str):
        value = cell_value(value)
        if not value:
            return None  # as an empty cell: no expiry, no leave date, the day it is applied
        if not DAY.fullmatch(value):
            raise ValueError(f"write the date as YYYY-MM-DD, not {value[:30]!r}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("write the date as YYYY-MM-DD in quotes: a number is not a date here")
    return value


def whole_number(value):
    """A whole number in the address (an import's id, a ledger seq) as digits only: pydantic reads 1.0, 1e0 and " 5"
    as numbers, so /imports/1.0 answered for import 1; a client sending a float or a padded value has a bug of its
    own to hear about."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError(f"write a whole number in digits, not {sent_value(value)}")
    return value


Digits = Annotated[int, BeforeValidator(whole_number)]


class CompletionIn(Row):
    employee_number: str = Field("", max_length=30, description="The person, by employee number")
    assignment_number: str = Field("", max_length=30, description="Or by assignment number (wins if both are given)")
    course: str = Field(min_length=1, max_length=300, description="The course as ESR names it (the competence name)")
    completed_on: datetime.date
    expires_on: datetime.date | None = Field(None, description="Empty: no expiry")

    _days = field_validator("completed_on", "expires_on", mode="before")(written_day)

    @model_validator(mode="after")
    def _names_someone(self):
        if not (self.employee_number or self.assignment_number):
            raise ValueError("give employee_number or assignment_number")
        return self


class CompletionsIn(Strict):
    # strict: JSON true or false only. pydantic would read "no", "off", "0" and 0 as false (a real apply, where the
    # sender may have meant anything) and "yes", 1 and 1.0 as true.
    dry_run: bool = Field(False, strict=True, description="True: say what would be recorded, record nothing")
    strict: bool = Field(
        False, strict=True, description="True: a person not on the roster rejects the request, not skipped"
    )
    completions: list[CompletionIn] = Field(min_length=1, max_length=MAX_ROWS)


# What a person's field left out of the request says, as a roster file without that column: nothing.
LEFT_OUT_OR_EMPTY = (
    "Left out: kept as the portal holds it (none for someone new), as a roster file without the column. "
    "Empty or null: no {field}. Every person in a request gives it, or none does"
)


class PersonIn(Row):
    employee_number: str = Field(min_length=1, max_length=30)
    assignment_number: str = Field("", max_length=30)
    first_name: str = Field(min_length=1, max_length=150)
    last_name: str = Field(min_length=1, max_length=150)
    work_email: str = Field(min_length=3, max_length=254)
    start_date: datetime.date
    leave_date: datetime.date | None = Field(
        None, description=f"Only a leave date makes a leaver. {LEFT_OUT_OR_EMPTY.format(field='leave date')}"
    )
    job_title: str | None = Field("", max_length=200, description=LEFT_OUT_OR_EMPTY.format(field="job title"))
    staff_group: str | None = Field("", max_length=100, description=LEFT_OUT_OR_EMPTY.format(field="staff group"))
    team_code: str = Field("", max_length=60, description="The team, by its code (or give team_name)")
    team_name: str = Field("", max_length=200)
    manager_employee_number: str | None = Field(
        "", max_length=30, description=LEFT_OUT_OR_EMPTY.format(field="line manager") + " (or this and the next)"
    )
    manager_assignment_number: str | None = Field(
        "", max_length=30, description="The line manager by their post's number, as ESR's Supervisor Assignment Number"
    )
    employment_type: str | None = Field(
        "",
        max_length=30,
        description="Bank, agency or substantive (empty or null). Left out: kept as the portal holds it (substantive "
        "for someone new), as a roster file without the column. Every person in a request gives it, or none does",
    )
    effective_date: datetime.date | None = Field(
        None,
        description="The day the row's changes took effect, as a roster file's Effective Date (ESR's Effective Start "
        "Date): on or after the start date, not in the future. Empty: the day it is applied",
    )

    _days = field_validator("start_date", "leave_date", "effective_date", mode="before")(written_day)

    @field_validator(
        "job_title",
        "staff_group",
        "employment_type",
        "manager_employee_number",
        "manager_assignment_number",
        mode="before",
    )
    @classmethod
    def _null_is_empty(cls, value):
        # null and "" say the same (none), as an empty cell: one value, so a retry sending either is the same request
        return "" if value is None else value

    @model_validator(mode="after")
    def _names_a_team(self):
        if not (self.team_code or self.team_name):
            raise ValueError("give team_code or team_name")
        return self


class RosterIn(Strict):
    dry_run: bool = Field(False, strict=True, description="True: say what would change, change nothing")
    confirm_identity_changes: str = Field(
        "",
        max_length=64,
        pattern="^[0-9a-f]*$",
        description="The identity_fingerprint of a dry run whose identity changes you confirm",
    )
    people: list[PersonIn] = Field(min_length=1, max_length=MAX_ROWS)


class ImportRef(Schema):
    id: int
    kind: str
    status: str = Field(description="planned, queued, running, done or failed")
    status_url: str
    rows_done: int
    rows_total: int
    error: str


class WriteAnswer(Schema):
    dry_run: bool
    can_apply: bool
    summary: dict = Field(description="The dry run's counts, as the import page shows them")
    details: dict = Field(description="Who and what is skipped or changed, by row")
    import_: ImportRef | None = Field(None, alias="import", description="The import applying it (not on a dry run)")
