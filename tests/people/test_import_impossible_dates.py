"""What an import says of a date its month does not have, a spreadsheet's day number, and a leave date before the
start date. "31/02/2027" was refused as "not a date (use 30-Nov-2028, 30/11/2028 or 2028-11-30)", which reads as if
the form were wrong when it is the one suggested; a date column saved as numbers ("46054") got the same words; and
"Leave Date is before Start Date" named neither date, so a two-digit year read as another century ("31/03/19") could
not be seen in it. Each is still refused, naming the line, the column and the value, and nothing changes."""

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
    ("written", "why"),
    [
        ("31/02/2027", "February 2027 has 28 days"),
        ("29/02/2025", "February 2025 has 28 days"),
        ("31-Apr-2024", "April 2024 has 30 days"),
        ("2024-06-31", "June 2024 has 30 days"),
        ("31/09/24", "September 2024 has 30 days"),
        (
            "46054",
            "it looks like a spreadsheet's number for the day 01/02/2026. Format the column as dates "
            "(30/11/2028) and save the file again",
        ),
    ],
)
def test_a_start_date_its_month_cannot_hold_is_refused_saying_why(team, tmp_path, written, why):
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start=written))
    refused_everywhere(data, tmp_path, f"Line 2: Start Date '{written}' is not a date: {why}")


def test_a_leave_date_before_the_start_date_names_both_as_read(team, tmp_path):
    data = esr_file(esr_row("5001", "5001-1", code=team.code, start="01/04/2020", leave="31/03/19"))
    refused_everywhere(data, tmp_path, "Line 2: Leave Date 31/03/2019 is before the Start Date 01/04/2020")


def test_a_completion_on_a_day_its_month_lacks_is_refused_saying_why(db):
    staff = factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date\r\n{staff.employee_number},{ADULTS},31/02/2026\r\n"
    _, plan = import_batch_create(kind="completions", data=data.encode(), filename="c.csv", user=None)
    assert plan.rejected == [(2, "Completion Date '31/02/2026' is not a date: February 2026 has 28 days")]
    assert not EvidenceEntry.objects.filter(staff=staff).exists()
