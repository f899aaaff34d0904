"""The team read takes its code as a path (ff6e481), so what a path can hold is pinned: a code ending in '/standing'
is read by it; '..', as written or percent-encoded, is a code like any other that no team has (a clean 404 naming it,
nothing above the address reached); a trailing slash or an empty code is no address."""

import pytest

from portal.people.models import Team


def test_a_code_ending_in_standing_is_read_by_it(api, org):
    Team.objects.filter(pk=org["teams"]["comms"].pk).update(code="ICB/standing")

    response = api("get", "/api/v1/teams/icb/standing/standing", "standing")

    assert response.status_code == 200, response.content
    assert response.json()["team"] == {"code": "ICB/standing", "name": "Communications"}


@pytest.mark.parametrize("written", ["..", "%2e%2e", "%2E%2E/..", "./."])
def test_dots_are_a_code_no_team_has(api, org, written):
    response = api("get", f"/api/v1/teams/{written}/standing", "standing")

    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert response.json()["detail"].startswith("There is no team with the code '")


@pytest.mark.parametrize("path", ["/api/v1/teams/{code}/standing/", "/api/v1/teams//standing"])
def test_a_trailing_slash_or_no_code_is_no_address(api, org, path):
    response = api("get", path.format(code=org["teams"]["comms"].code), "standing")

    assert response.status_code == 404
    assert response.json()["detail"].startswith("There is no such address in the API")
