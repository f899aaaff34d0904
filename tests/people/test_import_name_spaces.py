"""A no-break space (U+00A0, which Excel and Word paste), a narrow no-break space (U+202F) or a figure space (U+2007)
inside a name in an imported file was kept as it was: "Priya\u00a0Shah" and "Priya Shah" were two names, a roster row
naming its team "Ward\u00a07" found no team called Ward 7, and a file re-sent with one renamed whoever it named. Names
read from files (people's names, team names, job titles, staff groups) now have such spaces read as ordinary ones, a
run of them as one. Codes are not names: a team code with a no-break space is still refused
(tests/people/test_organisation_import_hidden_codes.py), as is a zero-width space anywhere
(tests/people/test_roster_bad_values.py)."""

import pytest

from portal.compliance.imports.services import import_batch_create
from portal.people.models import Team
from portal.people.organisation_import import plan_organisation
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, private_files

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

SPACES = {"no-break": "\u00a0", "narrow no-break": "\u202f", "figure": "\u2007"}
ORGANISATION = "Organisation Code,Organisation Name,Parent Organisation Code,Hierarchy Level"


def plan_roster(data: bytes):
    return import_batch_create(kind="roster", data=data, filename="esr.csv", user=None)[1]


@pytest.fixture
def ward(db):
    trust = factories.make_team("Example Trust", kind="organisation")
    return factories.make_team("Ward 7", parent=trust)


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_a_team_named_with_another_space_is_the_team(ward, space):
    plan = plan_roster(esr_file(esr_row("5001", "5001-1", team=f"Ward{space}7")))
    assert plan.rejected == []
    assert [person.fields["team_id"] for person in plan.to_create] == [ward.pk]


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_a_persons_name_is_read_with_ordinary_spaces(ward, space):
    row = esr_row(
        "5001",
        "5001-1",
        first=f"Mary{space}Anne",
        last=f"Shah{space} {space}Khan",
        email="mary.shah@example.nhs.uk",
        title=f"Staff{space}Nurse",
        code=ward.code,
    )
    plan = plan_roster(esr_file(row))
    assert plan.rejected == []
    [person] = plan.to_create
    fields = person.fields
    assert (fields["first_name"], fields["last_name"], fields["job_title"]) == ("Mary Anne", "Shah Khan", "Staff Nurse")


def test_the_same_name_with_a_no_break_space_changes_nothing(ward):
    held = factories.make_staff(team=ward, first_name="Priya", last_name="Van Dyke", job_title="Staff Nurse")
    held.assignments.update(number=held.employee_number)
    row = esr_row(
        held.employee_number,
        held.employee_number,
        first="Priya",
        last="Van\u00a0Dyke",
        email=held.work_email,
        title="Staff\u202fNurse",
        code=ward.code,
        start=held.start_date.strftime("%d/%m/%Y"),
    )
    plan = plan_roster(esr_file(row))
    assert plan.rejected == [] and plan.to_create == []
    assert [diffs for _, _, diffs in plan.to_change if diffs] == []  # its post's own facts may be filled in


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_an_organisation_file_naming_a_team_with_another_space_renames_nothing(ward, space):
    trust = Team.objects.get(name="Example Trust")
    data = "\r\n".join(
        [ORGANISATION, f"{trust.code},Example{space}Trust,,1", f"{ward.code},Ward{space}{space}7,{trust.code},3", ""]
    )
    plan = plan_organisation(data.encode())
    assert (plan.rejected, plan.problems) == ([], [])
    assert (plan.to_create, plan.to_rename) == ([], [])


def test_a_new_team_is_named_with_ordinary_spaces(ward):
    trust = Team.objects.get(name="Example Trust")
    data = f"{ORGANISATION}\r\nW8,Ward\u00a08\u202fEast,{trust.code},3\r\n"
    plan = plan_organisation(data.encode())
    assert plan.rejected == []
    assert [row.name for row in plan.to_create] == ["Ward 8 East"]
