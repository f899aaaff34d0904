"""A date with a two-digit year and the month's name, as Excel saves a date cell formatted "dd-mmm-yy" in a CSV
(01-Feb-26). The roster read 01/02/26 but refused 01-Feb-26 as "not a date (use 30-Nov-2028, ...)", though it is the
same day written the way the file's first form suggests; completions likewise."""

import datetime

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.compliance.models import CompetenceMapping
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
        ("01-Feb-26", datetime.date(2026, 2, 1)),
        ("1-Feb-26", datetime.date(2026, 2, 1)),
        ("01-FEB-26", datetime.date(2026, 2, 1)),
        ("15-Sep-85", datetime.date(1985, 9, 15)),  # a long career: 69-99 are the 1900s, as 15/09/85 is
        ("01-Feb-26 00:00", datetime.date(2026, 2, 1)),
    ],
)
def test_a_start_date_with_a_two_digit_year_and_the_months_name_is_read(team, written, day):
    _, plan = import_batch_create(
        kind="roster",
        data=esr_file(esr_row("5001", "5001-1", code=team.code, start=written)),
        filename="r.csv",
        user=None,
    )
    assert plan.rejected == []
    assert [person.fields["start_date"] for person in plan.to_create] == [day]


def test_a_day_the_month_lacks_with_a_two_digit_year_is_refused_naming_the_month(team, tmp_path):
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start="29-Feb-25"))
    refused_everywhere(data, tmp_path, "Line 2: Start Date '29-Feb-25' is not a date: February 2025 has 28 days")


def test_a_completion_dated_with_a_two_digit_year_and_the_months_name_is_read(db):
    staff = factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date\r\n{staff.employee_number},{ADULTS},14-Mar-25\r\n"
    _, plan = import_batch_create(kind="completions", data=data.encode(), filename="c.csv", user=None)
    assert plan.rejected == []
    assert [row.completed_on for row in plan.to_record] == [datetime.date(2025, 3, 14)]
