"""Dates as Excel writes them when a CSV is saved from a column formatted with the UK long date ('07 December 2025')
or 'dd mmm yyyy' ('07 Dec 2025'), and year first with slashes ('2025/12/07', as Excel's 'yyyy/mm/dd' and some
e-learning exports write them), were refused as 'not a date', though each can be read one way only: the day is
before the month's name, and a year of four digits comes first. They are now read, in every import's date columns,
with a time after them as before; a day the month lacks is still refused, saying so."""

import datetime

import pytest

from portal.compliance.completions import plan_completions
from portal.compliance.models import CompetenceMapping
from portal.lib.csvfiles import parse_date
from portal.people.roster import plan_roster
from tests import factories

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
WRITTEN = [
    "07 Dec 2025",
    "7 Dec 2025",
    "07 December 2025",
    "07 DEC 2025",
    "2025/12/07",
    "2025/12/7",
    "07 Dec 2025 00:00",
]


@pytest.mark.parametrize("written", WRITTEN)
def test_the_date_is_read(written):
    assert parse_date(written) == datetime.date(2025, 12, 7)


@pytest.mark.parametrize(
    "written, why",
    [("31 Feb 2026", "February 2026 has 28 days"), ("2026/04/31", "April 2026 has 30 days")],
)
def test_a_day_the_month_lacks_is_still_refused_saying_so(written, why):
    with pytest.raises(ValueError, match=f"'{written}' is not a date: {why}"):
        parse_date(written)


@pytest.mark.parametrize("written", ["2025/13/07", "07 Dex 2025"])
def test_what_is_no_date_is_still_refused(written):
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(written)


@pytest.mark.parametrize("written", WRITTEN)
def test_a_roster_start_date_so_written_is_read(db, written):
    team = factories.make_team("Ward 1")
    data = (
        "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date\r\n"
        f"10000001,Ann,Able,ann@example.nhs.uk,{team.code},{written}\r\n"
    ).encode()
    plan = plan_roster(data)
    assert plan.can_apply, plan.rejected
    assert [row.fields["start_date"] for row in plan.to_create] == [datetime.date(2025, 12, 7)]


@pytest.mark.parametrize("written", WRITTEN)
def test_a_completion_date_so_written_is_read(db, written):
    factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    data = f"Employee Number,Competence Name,Achievement Date,Expiry Date\r\n20001,{ADULTS},{written},07 Dec 2028\r\n"
    plan = plan_completions(data.encode("cp1252"))
    assert plan.can_apply, plan.rejected
    assert [(row.completed_on, row.expires_on) for row in plan.to_record] == [
        (datetime.date(2025, 12, 7), datetime.date(2028, 12, 7))
    ]
