"""A team's roster client learns nothing of the people outside its team: someone outside and a number no one has get
the same answer, word for word, as the person or as a line manager; and a work email or assignment number someone
outside has is refused without saying whose (the import would say "belongs to another employee", "belongs to employee
E0000007", and a dry run named a line manager from the portal)."""

import pytest

from portal.compliance.models import ImportBatch
from portal.people.models import Assignment, StaffMember

from .conftest import roster_row

UNKNOWN = "E9999999"


def _roster(api, people, key, dry_run=True):
    return api("post", "/api/v1/roster", "finance", {"people": people, "dry_run": dry_run}, key=key)


def _answer(response, number: str) -> list[dict]:
    """The errors of a refused request, with the number it was asked about written as UNKNOWN."""
    assert response.status_code == 422, response.content
    return [{k: v.replace(number, UNKNOWN) for k, v in e.items()} for e in response.json()["errors"]]


@pytest.mark.parametrize("dry_run", [True, False])
def test_someone_outside_the_team_is_answered_as_a_number_no_one_has(api, org, dry_run):
    sam, payroll = org["people"]["sam"], org["teams"]["payroll"]
    outsider = _roster(api, [roster_row(sam, team_code=payroll.code)], "outsider", dry_run)
    unknown = _roster(api, [roster_row(sam, employee_number=UNKNOWN, team_code=payroll.code)], "unknown", dry_run)
    assert _answer(outsider, sam.employee_number) == _answer(unknown, UNKNOWN)
    assert outsider.json()["detail"].replace(sam.employee_number, UNKNOWN) == unknown.json()["detail"]
    assert StaffMember.objects.get(pk=sam.pk).team == org["teams"]["comms"]
    assert not StaffMember.objects.filter(employee_number=UNKNOWN).exists()
    assert not ImportBatch.objects.filter(kind=ImportBatch.ROSTER).exists()


@pytest.mark.parametrize("field", ["manager_employee_number", "manager_assignment_number"])
def test_a_line_manager_outside_the_team_is_answered_as_one_no_one_is(api, org, field):
    sam, fay = org["people"]["sam"], org["people"]["fay"]
    outsider = _roster(api, [roster_row(fay, **{field: sam.employee_number})], "outsider")
    unknown = _roster(api, [roster_row(fay, **{field: UNKNOWN})], "unknown")
    assert _answer(outsider, sam.employee_number) == _answer(unknown, UNKNOWN)
    assert outsider.json()["errors"][0]["field"] == f"people[0].{field}"
    assert sam.last_name not in outsider.content.decode()


def test_a_line_manager_in_the_team_is_named_in_the_dry_run(api, org):
    fay, hana = org["people"]["fay"], org["people"]["hr"]
    response = _roster(api, [roster_row(fay, manager_employee_number=hana.employee_number)], "in-team")
    assert response.status_code == 200, response.content
    [change] = response.json()["details"]["changes"]
    assert any(hana.last_name in words for words in change["changes"])


def test_an_outsiders_work_email_is_refused_without_saying_whose(api, org):
    sam, fay = org["people"]["sam"], org["people"]["fay"]
    response = _roster(api, [roster_row(fay, work_email=sam.work_email.upper())], "email", dry_run=False)
    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert error == {
        "field": "people[0].work_email",
        "message": "people[0]: the work email is in use outside this client's team",
    }
    text = response.content.decode()
    assert "another employee" not in text and sam.employee_number not in text
    fay.refresh_from_db()
    assert fay.work_email != sam.work_email


@pytest.mark.parametrize("whose", ["post", "employee number"])
def test_an_outsiders_number_as_an_assignment_number_is_refused_without_saying_whose(api, org, whose):
    sam, fay = org["people"]["sam"], org["people"]["fay"]
    number = (
        Assignment.objects.create(staff=sam, number="E4440001-2").number if whose == "post" else sam.employee_number
    )
    response = _roster(api, [roster_row(fay, assignment_number=number)], "post")
    assert _answer(response, number) == [
        {
            "field": "people[0].assignment_number",
            "message": "people[0]: the assignment number is in use outside this client's team",
        }
    ]
    assert sam.employee_number not in response.content.decode()


def test_the_docs_say_what_a_team_client_is_told(api, org):
    page = " ".join(api("get", "/api/v1/docs/").content.decode().split())  # the docstrings' lines run on
    assert "adds no one to the roster" in page and "the same words as a number no one has" in page
    assert "A client limited to a team rejects, `strict` or not, a row for anyone not in its teams" in page
    assert "A client limited to a team adds no one" in page
