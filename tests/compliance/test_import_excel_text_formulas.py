"""A CSV cell written ="00012345": how reporting tools export a number that must keep its leading zeros, so that
Excel opening the file shows 00012345 as text. Each import read the cell as written, formula and all: a roster added
a person whose employee number was '="00012399"', a completions file skipped the person as not on the roster, and an
organisation file added a team coded '="0124"'. Such a cell is read as Excel shows it, the text between the quotes;
anything else beginning with '=' is read as before."""

import pytest

from portal.compliance.completions import plan_completions
from portal.compliance.models import CompetenceMapping
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from portal.people.roster import plan_roster
from tests import factories

ROSTER = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date"


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


def test_a_roster_reads_an_employee_number_as_excel_shows_it(team):
    data = csv_file(
        ROSTER,
        f'="00012399",Sam,Taylor,sam@example.nhs.uk,="{team.code}",03/01/2022',
        f'"=""00012398""",Ana,Silva,ana@example.nhs.uk,{team.code},03/01/2022',  # the same, quoted as a CSV may
    )
    plan = plan_roster(data)
    assert plan.can_apply and [person.employee_number for person in plan.to_create] == ["00012399", "00012398"]


def test_completions_find_the_person_so_numbered(team):
    zoe = factories.make_staff(employee_number="00012345", first_name="Zoë", last_name="Ahmed", team=team)
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name="Adults", requirement=requirement)
    data = csv_file("Employee Number,Competence Name,Achievement Date", '="00012345",Adults,01/02/2025')
    plan = plan_completions(data)
    assert plan.can_apply and not plan.not_on_roster and [row.staff_id for row in plan.to_record] == [zoe.pk]


def test_an_organisation_code_so_written_is_the_code(db):
    Team.add_root(code="0123", name="Example Trust", kind=Team.ORGANISATION)
    data = csv_file("Organisation Code,Organisation Name,Parent Organisation Code", '="0124",Ward 1,="0123"')
    plan = plan_organisation(data)
    assert plan.can_apply and [(row.code, row.parent_code) for row in plan.to_create] == [("0124", "0123")]


def test_other_values_beginning_with_an_equals_sign_are_read_as_written(team):
    """Not the ="..." form: kept as written, and refused where the column does not take it."""
    data = csv_file(ROSTER, f'1001,Sam,Taylor,sam@example.nhs.uk,{team.code},="03/01/2022" + 1')
    plan = plan_roster(data)
    assert [line for line, _ in plan.rejected] == [2] and "'=\"03/01/2022\" + 1' is not a date" in plan.rejected[0][1]
