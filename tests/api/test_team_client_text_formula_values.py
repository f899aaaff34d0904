"""Each door a team client writes through, with values the import's cell reader changes (a text formula ="E0000007",
padded inside or out, a team code so written, full-width digits, which nothing folds): the scope check reads each as
the import will, so a number or team outside the client's teams is refused and the outsider is left alone. The
requests that are refused or name no one record nothing (review of 109ad57 and d3bb267)."""

import pytest

from portal.compliance.models import EvidenceEntry, ImportBatch

from .conftest import completion, roster_row

FORMULAS = ['="{}"', ' ="{}" ', '=" {} "', '="{}"\u00a0']


def _takeover(sam, number, team_code) -> dict:
    return roster_row(sam, employee_number=number, work_email="attacker@example.nhs.uk", team_code=team_code)


def _left_alone(org, sam, email):
    sam.refresh_from_db()
    assert (sam.team, sam.work_email) == (org["teams"]["comms"], email)
    assert not ImportBatch.objects.filter(kind=ImportBatch.ROSTER).exists()


@pytest.mark.parametrize("form", FORMULAS)
def test_roster_a_text_formula_of_an_outsiders_number_is_refused(api, org, form):
    sam, payroll = org["people"]["sam"], org["teams"]["payroll"]
    email = sam.work_email
    row = _takeover(sam, form.format(sam.employee_number), payroll.code)
    response = api("post", "/api/v1/roster", "finance", {"people": [row]}, key="formula")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["people[0].employee_number"]
    _left_alone(org, sam, email)


@pytest.mark.parametrize("form", FORMULAS)
def test_roster_a_text_formula_of_a_team_outside_is_refused(api, org, form):
    fay, comms = org["people"]["fay"], org["teams"]["comms"]
    row = {**_takeover(fay, fay.employee_number, form.format(comms.code)), "work_email": fay.work_email}
    response = api("post", "/api/v1/roster", "finance", {"people": [row]}, key="team")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["people[0].team_code"]
    fay.refresh_from_db()
    assert fay.team != comms


@pytest.mark.parametrize("form", [*FORMULAS, '="=""{}"""'])
@pytest.mark.parametrize("field", ["employee_number", "assignment_number"])
def test_completions_a_text_formula_of_an_outsiders_number_gets_no_completion(api, org, form, field):
    sam = org["people"]["sam"]
    row = {**completion(sam, employee_number=""), field: form.format(sam.employee_number)}
    response = api("post", "/api/v1/completions", "finance", {"completions": [row]}, key="formula")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["completions[0]"]
    assert not EvidenceEntry.objects.exists()


def test_full_width_digits_are_another_number_to_the_import_and_never_reach_the_outsider(api, org):
    sam = org["people"]["sam"]
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in sam.employee_number)
    response = api(
        "post", "/api/v1/completions", "finance", {"completions": [completion(sam, employee_number=wide)]}, key="wide"
    )
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["completions[0]"]
    assert not EvidenceEntry.objects.exists()


def test_an_in_team_number_written_as_a_text_formula_is_recorded_for_them(api, org):
    fay = org["people"]["fay"]
    row = completion(fay, employee_number=f'="{fay.employee_number}"')
    response = api("post", "/api/v1/completions", "finance", {"completions": [row]}, key="mine")
    assert response.status_code == 202, response.content
    assert list(EvidenceEntry.objects.values_list("staff", flat=True)) == [fay.pk]
