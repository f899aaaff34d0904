"""What a refusal says about a date written month first, and about a cell far too long to be what its column holds.

A US date (12/31/2025) used to be refused as "not a date" with no word of why, though the same file's 03/04/2025 was
read as 3 April without a sound; and a 40,000-character cell where a date or a team belongs was repeated whole in the
refusal, on the page and from the command."""

import datetime
import io

import openpyxl
import pytest

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping
from tests import factories
from tests.people.roster_doors import command_refused, esr_file, esr_row, private_files, refused_everywhere

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
MONTH_FIRST = (
    "is not a date: dates are read day first (30/11/2028), and this one only makes sense month first, as US dates "
    "are written. Other dates in the file may be month first too, and read wrongly: save them as 30-Nov-2028 or "
    "2028-11-30"
)
ESSAY = "Please see the attached note from the ward manager about this start date. " * 600


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.mark.parametrize("written", ["12/31/2025", "12/31/25", "12/31/2025 00:00"])
def test_a_month_first_start_date_is_refused_saying_so(team, tmp_path, written):
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start=written))
    shown = written.split(" ")[0]
    refused_everywhere(data, tmp_path, f"Line 2: Start Date '{shown}' {MONTH_FIRST}")


def test_a_date_that_is_wrong_either_way_is_refused_as_before(team):
    _, plan = import_batch_create(
        kind="roster",
        data=esr_file(esr_row("5001", "5001-1", code=team.code, start="31/31/2025")),
        filename="r.csv",
        user=None,
    )
    assert plan.rejected == [(2, "Start Date '31/31/2025' is not a date (use 30-Nov-2028, 30/11/2028 or 2028-11-30)")]


def test_a_month_first_completion_date_is_refused_saying_so(db, tmp_path):
    staff = factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date\r\n{staff.employee_number},{ADULTS},11/30/2025\r\n"
    _, plan = import_batch_create(kind="completions", data=data.encode(), filename="c.csv", user=None)
    assert plan.rejected == [(2, f"Completion Date '11/30/2025' {MONTH_FIRST}")]


def test_a_huge_cell_is_named_not_repeated(team, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Employee Number", "First Name", "Last Name", "Work Email", "Organisation Code", "Start Date"])
    sheet.append(["5001", "Sam", "Taylor", "sam@example.nhs.uk", team.code, ESSAY])
    sheet.append(["5002", "Ann", "Able", "ann@example.nhs.uk", ESSAY, datetime.date(2020, 4, 1)])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    _, plan = import_batch_create(kind="roster", data=data, filename="r.xlsx", user=None)
    start = "Start Date 'Please see the attached note from the ward manager about th…' is not a date"
    team_error = "Team 'Please see the attached note from the ward manager about th…' is not a known team"
    assert [line for line, _ in plan.rejected] == [2, 3], plan.rejected
    assert plan.rejected[0][1].startswith(start) and plan.rejected[1][1].startswith(team_error)
    assert max(len(text) for _, text in plan.rejected) < 300
    said = command_refused(data, tmp_path)
    assert "th…' is not a date" in said and len(said) < 2000
