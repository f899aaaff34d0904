"""An employee or assignment number cell holding something that is no number: "N/A", "12 34", "abc", "-", or a date
Excel made of the number (2026-02-01 from an .xlsx date cell, 01/02/2026 or 01-Feb from a CSV saved by Excel). A
roster stored it as a new person's employee number (or their post's), who could then never be matched by ESR's real
number. Each of its doors now refuses the row, naming the line, the column and the value, and changes nothing.
Numbers as ESR and the portal's own files write them (10000001, 10000001-2, E0000001, A01, 00012345, ="00012345")
are read as before. A completions file stores no number, but refuses such a row too, in the same words."""

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, private_files, refused_everywhere

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
NOT_NUMBERS = ["N/A", "12 34", "abc", "-", "E-1", "1001-", "#1001", "1001/2"]
DATES = ["2026-02-01", "01/02/2026", "01-Feb", "1-Feb-26", "01-Feb-2026"]


def not_a_number(column: str, value: str) -> str:
    return (
        f"{column} '{value}' is not a number as ESR writes one: digits, after letters if any (E0000001), and a "
        "post's -N after them (10000001-2). Give the number ESR holds, then upload the file again"
    )


def a_date(column: str, value: str) -> str:
    return (
        f"{column} '{value}' is a date, not a number: Excel turns some numbers into dates (1-2 into 01-Feb). Give "
        "the number as ESR writes it (in Excel, format the column as Text first), then upload the file again"
    )


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.mark.parametrize("number", NOT_NUMBERS)
def test_an_employee_number_that_is_no_number_is_refused(team, tmp_path, number):
    data = esr_file(esr_row(number, "", email="sam@example.nhs.uk", code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + not_a_number("Employee Number", number))


@pytest.mark.parametrize("number", DATES)
def test_an_employee_number_excel_made_a_date_is_refused_as_a_date(team, tmp_path, number):
    data = esr_file(esr_row(number, "", email="sam@example.nhs.uk", code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + a_date("Employee Number", number))


@pytest.mark.parametrize("assignment", ["N/A", "2026-02-01", "1001 2"])
def test_an_assignment_number_that_is_no_number_is_refused(team, tmp_path, assignment):
    data = esr_file(esr_row("1001", "1001-1", code=team.code), esr_row("1002", assignment, code=team.code))
    expected = a_date if assignment == "2026-02-01" else not_a_number
    refused_everywhere(data, tmp_path, "Line 3: " + expected("Assignment Number", assignment))


def test_an_employee_number_in_an_excel_date_cell_is_refused_as_a_date(team):
    import datetime
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Employee Number", "First Name", "Last Name", "Work Email", "Organisation Code", "Start Date"])
    sheet.append([datetime.datetime(2026, 2, 1), "Sam", "Taylor", "sam@example.nhs.uk", team.code, "01/04/2020"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    _, plan = import_batch_create(kind="roster", data=buffer.getvalue(), filename="esr.xlsx", user=None)
    assert plan.rejected == [(2, a_date("Employee Number", "2026-02-01"))] and not plan.to_create


@pytest.mark.parametrize("number", ["10000001", "00012345", "E0000001", "A01", '="00012345"', "1001-2-3"])
def test_numbers_as_esr_writes_them_are_still_read(team, number):
    data = esr_file(
        esr_row(number, "", email="sam@example.nhs.uk", code=team.code), esr_row("1002", "1002-10", code=team.code)
    )
    _, plan = import_batch_create(kind="roster", data=data, filename="esr.csv", user=None)
    assert plan.can_apply and len(plan.to_create) == 2, plan.errors


@pytest.mark.parametrize("number", ["N/A", "2026-02-01"])
def test_a_person_number_that_is_no_number_in_completions_is_refused_by_line_and_value(db, number):
    """A completions file refuses such a row in the roster's words, strict or not (before, it was named as not on
    the roster and skipped): tests/compliance/test_import_completions_numbers_that_are_not_numbers.py."""
    factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = (
        "Employee Number,Competence Name,Achievement Date\r\n"
        f"20001,{ADULTS},01/02/2025\r\n"
        f"{number},{ADULTS},01/02/2025\r\n"
    ).encode()
    expected = a_date if number == "2026-02-01" else not_a_number
    for options in ({}, {"strict": True}):
        _, plan = import_batch_create(kind="completions", data=data, filename="c.csv", user=None, options=options)
        assert (plan.not_on_roster, plan.rejected) == ([], [(3, expected("Employee Number", number))])
        assert not plan.can_apply


def test_a_number_the_portal_holds_is_matched_in_completions_whatever_it_looks_like(db):
    """Passing before, no change: a completions file names people the portal holds; a number held from before this
    check (any shape) is still theirs."""
    factories.make_staff(employee_number="N/A 7")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date\r\nN/A 7,{ADULTS},01/02/2025\r\n".encode()
    _, plan = import_batch_create(kind="completions", data=data, filename="c.csv", user=None)
    assert plan.can_apply and len(plan.to_record) == 1, plan.rejected
