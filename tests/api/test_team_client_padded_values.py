"""A row's values are checked as the import will read them: the import trims every cell, so a team client's scope check
sees " E0000007 " as E0000007 and refuses it when that person is outside the team. Checked as sent, the padded number
matched no one, passed, and the import then changed the outsider (their sign-in email too)."""

import pytest

from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember

from .conftest import completion, roster_row

PADDINGS = [" {} ", "{} ", "  {}", "\u00a0{}\u00a0"]  # spaces either side, and no-break spaces as Excel pastes them


def _roster(api, people, key, who="finance", **options):
    return api("post", "/api/v1/roster", who, {"people": people, **options}, key=key)


def _takeover(sam, number, payroll) -> dict:
    """Sam (Communications) moved into the Finance client's Payroll, signing in from now on with another address."""
    return roster_row(sam, employee_number=number, work_email="attacker@example.nhs.uk", team_code=payroll.code)


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_padded_number_of_someone_outside_the_team_is_refused_and_they_are_left_alone(api, org, padding, dry_run):
    sam, payroll = org["people"]["sam"], org["teams"]["payroll"]
    email = sam.work_email
    response = _roster(api, [_takeover(sam, padding.format(sam.employee_number), payroll)], "padded", dry_run=dry_run)
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["people[0].employee_number"]
    sam.refresh_from_db()
    sam.user.refresh_from_db()
    assert (sam.team, sam.work_email, sam.user.email) == (org["teams"]["comms"], email, email)
    assert not ImportBatch.objects.filter(kind=ImportBatch.ROSTER).exists()


def test_a_number_in_another_case_is_another_number_to_the_import_so_never_reaches_the_outsider(api, org):
    """The roster import matches employee numbers exactly (E0000007 and e0000007 are two people), so the scope check
    needs no folding of case: whatever the answer, Sam is not changed."""
    sam, payroll = org["people"]["sam"], org["teams"]["payroll"]
    _roster(api, [_takeover(sam, f" {sam.employee_number.lower()} ", payroll)], key="case")
    sam.refresh_from_db()
    assert sam.team == org["teams"]["comms"] and sam.work_email != "attacker@example.nhs.uk"


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("field", ["employee_number", "assignment_number"])
def test_a_padded_number_of_someone_outside_the_team_gets_no_completion(api, org, padding, field):
    sam = org["people"]["sam"]
    row = {**completion(sam, employee_number=""), field: padding.format(sam.employee_number)}
    response = api("post", "/api/v1/completions", "finance", {"completions": [row]}, key="padded")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["completions[0]"]
    assert not EvidenceEntry.objects.exists()


def test_a_completion_number_in_another_case_names_no_one_in_the_team(api, org):
    fay = org["people"]["fay"]  # in the Finance client's team: the import matches her number exactly, as given
    row = completion(fay, employee_number=f" {fay.employee_number.lower()}")
    response = api("post", "/api/v1/completions", "finance", {"completions": [row]}, key="case")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "completions[0]"
    assert not EvidenceEntry.objects.exists()


def test_padded_values_are_recorded_as_the_import_reads_them(api, org):
    comms = org["teams"]["comms"]
    row = {
        "employee_number": "  E5550101 ",
        "first_name": " Robin ",
        "last_name": "New\u00a0",
        "work_email": " Robin.New@example.nhs.uk ",
        "start_date": " 2024-01-08 ",
        "team_code": f" {comms.code} ",
    }
    response = _roster(api, [row], key="trimmed", who="roster")
    assert response.status_code == 202, response.content
    robin = StaffMember.objects.get(employee_number="E5550101")
    assert (robin.first_name, robin.last_name, robin.work_email, robin.team) == (
        "Robin",
        "New",
        "robin.new@example.nhs.uk",
        comms,
    )


def test_a_value_only_of_spaces_is_empty(api, org):
    response = _roster(api, [_takeover(org["people"]["fay"], "   ", org["teams"]["payroll"])], key="blank")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "people[0].employee_number"
