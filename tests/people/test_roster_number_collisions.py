"""An employee number that is another person's assignment number (a new person numbered E123-2 when E123's second
post is E123-2) is refused by line, in the file or against the portal, so no completion given for that number can
be recorded against the wrong person."""

from portal.people.models import Assignment, StaffMember
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, refused_everywhere
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


def test_in_the_file(teams, tmp_path):
    code = teams["comms"].code
    data = esr_file(
        esr_row("E123", "E123-1", code=code),
        esr_row("E123", "E123-2", code=code, title="Second post"),
        esr_row("E123-2", "E123-2-1", first="Kim", code=code),
    )
    refused_everywhere(
        data,
        tmp_path,
        "Line 4: Employee Number 'E123-2' is also an Assignment Number of employee E123 (line 3): give each person a "
        "number of their own",
    )
    assert not StaffMember.objects.exists()


def test_a_new_person_numbered_as_a_post_in_the_portal(teams, tmp_path):
    e123 = factories.make_staff(team=teams["comms"], employee_number="E123")
    Assignment.objects.create(staff=e123, number="E123-2")
    refused_everywhere(
        esr_file(esr_row("E123-2", "E123-2-1", first="Kim", code=teams["comms"].code)),
        tmp_path,
        "Line 2: Employee Number 'E123-2' is an Assignment Number of employee E123 in the portal: give each person a "
        "number of their own",
    )


def test_a_new_post_numbered_as_a_person_in_the_portal(teams, tmp_path):
    kim = factories.make_staff(team=teams["comms"], employee_number="E123-2")
    Assignment.objects.filter(staff=kim).update(number="E123-2-1")  # their post, from an ESR list
    refused_everywhere(
        esr_file(esr_row("E123", "E123-2", code=teams["comms"].code)),
        tmp_path,
        "Line 2: Assignment Number 'E123-2' is the Employee Number of someone else in the portal: give each person a "
        "number of their own",
    )
