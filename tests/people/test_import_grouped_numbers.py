"""A person's number with thousands separators, "12,345,678": Excel shows a number column formatted "#,##0" so, and a
CSV saved from it keeps it (quoted). Every import that reads a person's or a post's number refused it as "not a number
as ESR writes one". It is read as 12345678 when the commas sit exactly every three digits, as only a separator puts
them; anything else with a comma ("1,2345", "12,34,567") is still refused, naming the line, the column and the value,
and changes nothing."""

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping
from portal.people.models import StaffMember
from tests import factories
from tests.people.roster_doors import HEADER, esr_row, private_files, refused_everywhere

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
NOT_GROUPED = ["1,2345", "12,34,567", "1234,567", "1,234,56", ",123", "123,", "1,,234", "12,345.0"]


def not_a_number(column: str, value: str) -> str:
    return (
        f"{column} '{value}' is not a number as ESR writes one: digits, after letters if any (E0000001), and a "
        "post's -N after them (10000001-2). Give the number ESR holds, then upload the file again"
    )


def quoted_row(number: str, assignment: str, **fields) -> str:
    """A row as a CSV saved from Excel writes it: a value holding a comma in quotes."""
    return esr_row(f'"{number}"', f'"{assignment}"' if assignment else "", **fields)


def roster(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.mark.parametrize(
    ("written", "number"),
    [("12,345,678", "12345678"), ("1,234", "1234"), ("123,456", "123456"), ("1,000,000,001", "1000000001")],
)
def test_an_employee_number_with_thousands_separators_is_read_without_them(team, written, number):
    email = f"sam.{number}@example.nhs.uk"
    data = roster(quoted_row(written, "", email=email, code=team.code))
    _, plan = import_batch_create(kind="roster", data=data, filename="esr.csv", user=None)
    assert plan.can_apply, plan.errors
    assert [(p.employee_number, p.assignments) for p in plan.to_create] == [(number, [number])]


def test_a_grouped_number_names_the_person_the_portal_holds(team):
    held = factories.make_staff(employee_number="12345678", team=team, first_name="Sam", last_name="Taylor")
    start = held.start_date.strftime("%d/%m/%Y")
    row = quoted_row("12,345,678", "", email=held.work_email, code=team.code, start=start)
    _, plan = import_batch_create(kind="roster", data=roster(row), filename="esr.csv", user=None)
    assert plan.can_apply, plan.errors
    assert plan.to_create == []
    assert list(StaffMember.objects.values_list("employee_number", flat=True)) == ["12345678"]


def test_a_grouped_assignment_and_supervisor_number_are_read_without_separators(team):
    manager = factories.make_staff(employee_number="20001", team=team)
    header = HEADER + ",Supervisor Employee Number"
    row = quoted_row("12,345,678", "12,345,678", email="sam.grouped@example.nhs.uk", code=team.code) + ',"20,001"'
    _, plan = import_batch_create(kind="roster", data=roster(row, header=header), filename="esr.csv", user=None)
    assert plan.can_apply, plan.errors
    [person] = plan.to_create
    assert (person.employee_number, person.assignments, person.manager_number) == ("12345678", ["12345678"], "20001")
    assert manager.employee_number == "20001"


@pytest.mark.parametrize("written", NOT_GROUPED)
def test_a_number_with_commas_not_every_three_digits_is_still_refused(team, tmp_path, written):
    data = roster(quoted_row(written, "", email="sam@example.nhs.uk", code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + not_a_number("Employee Number", written))


def test_an_assignment_number_with_commas_out_of_place_is_refused(team, tmp_path):
    data = roster(quoted_row("12,345", "1,2345", email="sam@example.nhs.uk", code=team.code))
    refused_everywhere(data, tmp_path, "Line 2: " + not_a_number("Assignment Number", "1,2345"))


@pytest.fixture
def adults(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


@pytest.mark.parametrize("column", ["Employee Number", "Assignment Number"])
def test_a_completion_for_a_grouped_number_is_recorded_for_the_person(adults, column):
    staff = factories.make_staff(employee_number="20001")
    staff.assignments.update(number="20001")
    data = f'{column},Competence Name,Achievement Date\r\n"20,001",{ADULTS},01/02/2025\r\n'.encode()
    _, plan = import_batch_create(kind="completions", data=data, filename="c.csv", user=None)
    assert plan.rejected == [] and plan.not_on_roster == []
    assert [(row.staff_id, row.number) for row in plan.to_record] == [(staff.pk, "20001")]


@pytest.mark.parametrize("written", ["2,0001", "200,01"])
def test_a_completion_number_with_commas_out_of_place_is_refused(adults, written):
    factories.make_staff(employee_number="20001")
    data = f'Employee Number,Competence Name,Achievement Date\r\n"{written}",{ADULTS},01/02/2025\r\n'.encode()
    for options in ({}, {"strict": True}):
        _, plan = import_batch_create(kind="completions", data=data, filename="c.csv", user=None, options=options)
        assert (plan.rejected, plan.to_record) == ([(2, not_a_number("Employee Number", written))], [])
        assert not plan.can_apply
