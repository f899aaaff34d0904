"""A team's name with a no-break space ("Ward\u00a07") is read by the imports as Ward 7
(tests/people/test_import_name_spaces.py). The API's rows become such a file, so a team client's scope is checked
against the team the import will find: checked as sent, "Ward\u00a07" would name no team, and the import would then
place the person in Ward 7, outside the client's team."""

import pytest

from portal.compliance.models import ImportBatch
from tests import factories

from .conftest import roster_row

SPACES = {"no-break": "\u00a0", "narrow no-break": "\u202f", "figure": "\u2007"}


@pytest.fixture
def wards(org):
    """Ward 7 under Communications (outside the Finance client's team) and Ward 8 under Payroll (inside it)."""
    return factories.make_team("Ward 7", parent=org["teams"]["comms"]), factories.make_team(
        "Ward 8", parent=org["teams"]["payroll"]
    )


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_a_team_outside_the_client_named_with_another_space_is_refused(api, org, wards, space):
    fay = org["people"]["fay"]
    row = roster_row(fay, team_code="", team_name=f"Ward{space}7")
    response = api("post", "/api/v1/roster", "finance", {"people": [row]}, key="ward")
    assert response.status_code == 422, response.content
    fay.refresh_from_db()
    assert fay.team == org["teams"]["payroll"]
    assert not ImportBatch.objects.filter(kind=ImportBatch.ROSTER).exists()


@pytest.mark.parametrize("space", SPACES.values(), ids=SPACES.keys())
def test_a_team_inside_the_client_named_with_another_space_is_the_team(api, org, wards, space):
    fay = org["people"]["fay"]
    row = roster_row(fay, team_code="", team_name=f"Ward{space}8")
    response = api("post", "/api/v1/roster", "finance", {"people": [row]}, key="ward")
    assert response.status_code == 202, response.content
    fay.refresh_from_db()
    assert fay.team == wards[1]
