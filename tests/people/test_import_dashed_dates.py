"""A date written day-month-year with hyphens and the month as a number (07-12-2025), as Excel writes a date column
formatted "dd-mm-yyyy" when it saves a CSV, and as some UK systems export it. The imports read 07-Dec-2025, 07/12/2025
and 2025-12-07 but refused 07-12-2025 as "not a date (use 30-Nov-2028, ...)". It is read day first, as the slashed
form is; a two-digit year with hyphens (25-12-07 could be either end first), a day its month does not have, or a date
that only reads month first is still refused, naming the line, the column and the value, and nothing changes."""

import datetime

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, private_files, refused_everywhere

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("07-12-2025", datetime.date(2025, 12, 7)),  # day first: 7 December, not 12 July
        ("7-2-2024", datetime.date(2024, 2, 7)),
        ("29-02-2024", datetime.date(2024, 2, 29)),
        ("07-12-2025 00:00", datetime.date(2025, 12, 7)),
        ("01-10-1999", datetime.date(1999, 10, 1)),
    ],
)
def test_a_start_date_with_hyphens_is_read_day_first(team, written, day):
    _, plan = import_batch_create(
        kind="roster",
        data=esr_file(esr_row("5001", "5001-1", code=team.code, start=written, leave="31-12-4712")),
        filename="r.csv",
        user=None,
    )
    assert plan.rejected == []
    assert [(p.fields["start_date"], p.fields["leave_date"]) for p in plan.to_create] == [(day, None)]


def test_a_leave_date_with_hyphens_is_the_same_day_as_with_slashes(team):
    dashed, slashed = (
        import_batch_create(
            kind="roster",
            data=esr_file(esr_row("5001", "5001-1", code=team.code, leave=leave)),
            filename="r.csv",
            user=None,
        )[1]
        for leave in ("03-04-2026", "03/04/2026")
    )
    assert [p.fields["leave_date"] for p in dashed.to_create] == [datetime.date(2026, 4, 3)]
    assert [p.fields["leave_date"] for p in dashed.to_create] == [p.fields["leave_date"] for p in slashed.to_create]


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("07-12-25", "with hyphens and the month as a number, the year is written in full (07-12-2025)"),
        ("31-02-2025", "February 2025 has 28 days"),
        ("31-04-2024", "April 2024 has 30 days"),
    ],
)
def test_a_dashed_date_with_a_short_year_or_a_day_its_month_lacks_is_refused(team, tmp_path, written, why):
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start=written))
    refused_everywhere(data, tmp_path, f"Line 2: Start Date '{written}' is not a date: {why}")


def test_a_dashed_date_that_only_reads_month_first_is_refused(team, tmp_path):
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start="12-31-2025"))
    refused_everywhere(
        data,
        tmp_path,
        "Line 2: Start Date '12-31-2025' is not a date: dates are read day first (30/11/2028), and this one only makes "
        "sense month first, as US dates are written. Other dates in the file may be month first too, and read wrongly: "
        "save them as 30-Nov-2028 or 2028-11-30",
    )


def test_year_first_with_hyphens_is_still_read_year_first(team):
    _, plan = import_batch_create(
        kind="roster",
        data=esr_file(esr_row("5001", "5001-1", code=team.code, start="2025-12-07")),
        filename="r.csv",
        user=None,
    )
    assert [p.fields["start_date"] for p in plan.to_create] == [datetime.date(2025, 12, 7)]


def test_a_completion_dated_with_hyphens_is_read(db):
    staff = factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date,Expiry Date\r\n20001,{ADULTS},14-03-2025,14-03-2028\r\n"
    _, plan = import_batch_create(kind="completions", data=data.encode(), filename="c.csv", user=None)
    assert plan.rejected == []
    assert [(row.staff_id, row.completed_on, row.expires_on) for row in plan.to_record] == [
        (staff.pk, datetime.date(2025, 3, 14), datetime.date(2028, 3, 14))
    ]


def test_a_completion_dated_with_hyphens_and_a_short_year_is_refused(db):
    staff = factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date\r\n20001,{ADULTS},14-03-25\r\n"
    _, plan = import_batch_create(kind="completions", data=data.encode(), filename="c.csv", user=None)
    assert plan.rejected == [
        (
            2,
            "Completion Date '14-03-25' is not a date: with hyphens and the month as a number, the year is written "
            "in full (07-12-2025)",
        )
    ]
    assert not EvidenceEntry.objects.filter(staff=staff).exists()
