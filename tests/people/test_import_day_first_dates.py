"""A date written day first with dots (07.12.2025, as some UK systems and Excel in a German or Nordic locale write it)
or with hyphens and the month as a number (07-12-2025, as Excel saves a column formatted "dd-mm-yyyy"). The imports
read 07/12/2025, 07 Dec 2025 and 2025/12/07 but refused both as "not a date (use 30-Nov-2028, ...)". Each is read day
first, as the slashed form is; a two-digit year (25-12-07 could be written either end first), a day its month does not
have, or a date that only reads month first is still refused, naming the line, the column and the value, and nothing
changes. Year first with hyphens (2025-12-07) stays year first."""

import datetime

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, private_files, refused_everywhere

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
# Each separator, and what a two-digit year with it is refused with.
SEPARATORS = {
    ".": "with dots, the year is written in full (07.12.2025)",
    "-": "with hyphens and the month as a number, the year is written in full (07-12-2025)",
}
separators = pytest.mark.parametrize("sep", list(SEPARATORS), ids=["dots", "hyphens"])


def _written(day: str, sep: str) -> str:
    """`day` written with dots ("07.12.2025") as written with `sep`."""
    return day.replace(".", sep)


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


def _roster(team, **dates):
    return import_batch_create(
        kind="roster", data=esr_file(esr_row("5001", "5001-1", code=team.code, **dates)), filename="r.csv", user=None
    )[1]


def _completions(line: str, headings: str = "Employee Number,Competence Name,Achievement Date"):
    staff = factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"{headings}\r\n20001,{ADULTS},{line}\r\n"
    return staff, import_batch_create(kind="completions", data=data.encode(), filename="c.csv", user=None)[1]


@separators
@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("07.12.2025", datetime.date(2025, 12, 7)),  # day first: 7 December, not 12 July
        ("7.2.2024", datetime.date(2024, 2, 7)),
        ("29.02.2024", datetime.date(2024, 2, 29)),
        ("07.12.2025 00:00", datetime.date(2025, 12, 7)),
        ("01.10.1999", datetime.date(1999, 10, 1)),
    ],
)
def test_a_start_date_is_read_day_first(team, sep, written, day):
    plan = _roster(team, start=_written(written, sep), leave=_written("31.12.4712", sep))
    assert plan.rejected == []
    assert [(p.fields["start_date"], p.fields["leave_date"]) for p in plan.to_create] == [(day, None)]


@separators
def test_a_leave_date_is_the_same_day_as_with_slashes(team, sep):
    written, slashed = (_roster(team, leave=leave) for leave in (_written("03.04.2026", sep), "03/04/2026"))
    assert [p.fields["leave_date"] for p in written.to_create] == [datetime.date(2026, 4, 3)]
    assert [p.fields["leave_date"] for p in written.to_create] == [p.fields["leave_date"] for p in slashed.to_create]


@separators
@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("07.12.25", None),  # the separator's own words (SEPARATORS)
        ("31.02.2025", "February 2025 has 28 days"),
        ("31.04.2024", "April 2024 has 30 days"),
    ],
)
def test_a_short_year_or_a_day_its_month_lacks_is_refused(team, tmp_path, sep, written, why):
    written = _written(written, sep)
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start=written))
    refused_everywhere(data, tmp_path, f"Line 2: Start Date '{written}' is not a date: {why or SEPARATORS[sep]}")


@separators
def test_a_date_that_only_reads_month_first_is_refused(team, tmp_path, sep):
    written = _written("12.31.2025", sep)
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start=written))
    refused_everywhere(
        data,
        tmp_path,
        f"Line 2: Start Date '{written}' is not a date: dates are read day first (30/11/2028), and this one only makes "
        "sense month first, as US dates are written. Other dates in the file may be month first too, and read wrongly: "
        "save them as 30-Nov-2028 or 2028-11-30",
    )


def test_year_first_with_hyphens_is_still_read_year_first(team):
    assert [p.fields["start_date"] for p in _roster(team, start="2025-12-07").to_create] == [datetime.date(2025, 12, 7)]


@separators
def test_a_completion_dated_so_is_read(db, sep):
    staff, plan = _completions(
        f"{_written('14.03.2025', sep)},{_written('14.03.2028', sep)}",
        headings="Employee Number,Competence Name,Achievement Date,Expiry Date",
    )
    assert plan.rejected == []
    assert [(row.staff_id, row.completed_on, row.expires_on) for row in plan.to_record] == [
        (staff.pk, datetime.date(2025, 3, 14), datetime.date(2028, 3, 14))
    ]


@separators
def test_a_completion_dated_so_with_a_short_year_is_refused(db, sep):
    written = _written("14.03.25", sep)
    staff, plan = _completions(written)
    assert plan.rejected == [(2, f"Completion Date '{written}' is not a date: {SEPARATORS[sep]}")]
    assert not EvidenceEntry.objects.filter(staff=staff).exists()
