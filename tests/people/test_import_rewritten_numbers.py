"""A number a spreadsheet rewrote as a quantity: 12345.0 (what pandas and some report tools write for a number
column), or 1.23457E+11 (Excel's General format for a long number, which a CSV saved from it keeps, the last digits
lost). A roster used to take either for a new person's employee number, and a line manager's; a completions file
skipped the row as "not on the roster". Each door now refuses the row, saying why, and changes nothing."""

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, private_files, refused_everywhere

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"


def rewritten(number: str, column: str) -> str:
    return (
        f"{column} {number} looks like a number a spreadsheet has rewritten (with a decimal point, or in scientific "
        "notation, its last digits lost). Give it as ESR writes it (in Excel, format the column as Text first), then "
        "upload the file again"
    )


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.mark.parametrize("number", ["12345.0", "1.23457E+11", "123457E11"])
def test_a_rewritten_employee_number_is_refused(team, tmp_path, number):
    data = esr_file(esr_row(number, "", code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + rewritten(number, "Employee Number"))


def test_a_rewritten_assignment_number_is_refused(team, tmp_path):
    data = esr_file(esr_row("12345", "12345.2", code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + rewritten("12345.2", "Assignment Number"))


def test_a_rewritten_line_manager_number_is_refused(team, tmp_path):
    header = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Start Date,Manager Number"
    data = f"{header}\r\n5001,Sam,Taylor,sam@example.nhs.uk,{team.code},01/04/2020,5002.0\r\n".encode()
    refused_everywhere(data, tmp_path, "Line 2: " + rewritten("5002.0", "Supervisor Employee Number"))


def test_numbers_as_esr_writes_them_are_read(team):
    data = esr_file(esr_row("12345678", "12345678-2", code=team.code), esr_row("E0001", "E0001", code=team.code))
    _, plan = import_batch_create(kind="roster", data=data, filename="esr.csv", user=None)
    assert plan.can_apply and len(plan.to_create) == 2, plan.errors


@pytest.mark.parametrize("strict", [False, True], ids=["not strict", "strict"])
def test_a_rewritten_person_number_in_completions_is_refused_not_skipped(db, strict):
    factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date\r\n20001.0,{ADULTS},01/02/2025\r\n".encode()
    _, plan = import_batch_create(
        kind="completions", data=data, filename="c.csv", user=None, options={"strict": strict}
    )
    assert (plan.rejected, plan.not_on_roster) == ([(2, rewritten("20001.0", "Person"))], [])
