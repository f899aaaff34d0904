"""A roster write says what a file says: a person's line manager left out (neither `manager_employee_number` nor
`manager_assignment_number`) is kept, as in a file without a supervisor column; sent empty or null it is none, as a
blank supervisor in a file with the column, and the line manager held is cleared. Before, an empty manager kept the old
one for ever (and the reminders' escalation went on telling them). Every person in a request gives it, or none does."""

import pytest

from portal.people.models import StaffMember
from tests import factories

from .conftest import roster_row


@pytest.fixture
def managed(org):
    boss = factories.make_staff(team=org["teams"]["comms"], first_name="Bea", last_name="Boss")
    sam = org["people"]["sam"]
    StaffMember.objects.filter(pk=sam.pk).update(line_manager=boss)
    sam.refresh_from_db()
    return sam, boss


def _send(api, people, key, **body):
    return api("post", "/api/v1/roster", "roster", {"people": people, **body}, key=key)


def test_a_person_sent_without_a_line_manager_keeps_theirs(api, managed):
    sam, boss = managed

    dry = _send(api, [roster_row(sam)], "kept-dry", dry_run=True).json()
    assert dry["details"]["changes"] == []
    assert _send(api, [roster_row(sam)], "kept").status_code == 202

    sam.refresh_from_db()
    assert sam.line_manager == boss


@pytest.mark.parametrize(
    "given",
    [
        {"manager_employee_number": ""},
        {"manager_employee_number": None},
        {"manager_assignment_number": ""},
        {"manager_employee_number": "", "manager_assignment_number": None},
    ],
)
def test_an_empty_line_manager_clears_it(api, managed, given):
    sam, boss = managed

    dry = _send(api, [roster_row(sam, **given)], "clear-dry", dry_run=True).json()
    assert dry["details"]["changes"][0]["changes"] == [f"Line manager: Bea Boss ({boss.employee_number}) to none"]
    assert _send(api, [roster_row(sam, **given)], "clear").status_code == 202

    sam.refresh_from_db()
    assert sam.line_manager is None


def test_people_who_differ_in_giving_a_line_manager_are_refused_and_nothing_changes(api, managed, org):
    sam, boss = managed
    people = [roster_row(sam, manager_employee_number=""), roster_row(org["people"]["kim"])]

    answer = _send(api, people, "differ")

    assert answer.status_code == 422, answer.content
    problem = answer.json()
    assert problem["errors"][0]["field"] == "people[1].manager_employee_number"
    assert "people[1] (employee" in problem["detail"] and "leaves out manager_employee_number or" in problem["detail"]
    sam.refresh_from_db()
    assert sam.line_manager == boss
