"""The team read finds a team by any code the organisation's tree takes, as the roster import finds it. The code is
the organisation's own (ESR's), and the organisation import and the Organisation page take any code, 'ICB/COMMS'
included, and hold codes apart without regard to case, as the roster import matches them. The team read's address
took no slash (Django decodes %2F before routing, so 'ICB%2FCOMMS' did not reach it either), so such a team's
standing could not be read at all ('There is no such address in the API'), though ?team=ICB/COMMS on the figures read
found it; and both reads wanted the code's exact case, where a roster write placed people in 'icb/comms'."""

import pytest

from portal.audit.models import AuditEvent
from portal.people.models import Team

from .conftest import roster_row


@pytest.fixture
def slashed(org):
    comms = org["teams"]["comms"]
    Team.objects.filter(pk=comms.pk).update(code="ICB/COMMS")
    return comms


@pytest.mark.parametrize("written", ["ICB/COMMS", "ICB%2FCOMMS", "icb/comms"])
def test_a_team_whose_code_holds_a_slash_is_read_by_it(api, org, slashed, written):
    response = api("get", f"/api/v1/teams/{written}/standing", "standing")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["team"] == {"code": "ICB/COMMS", "name": "Communications"}
    assert {person["name"] for person in body["people"]} == {"Sam Person", "Kim Colleague"}
    assert AuditEvent.objects.filter(action=AuditEvent.VIEW_TEAM, detail__team_id=slashed.pk).exists()


def test_the_figures_read_takes_a_code_in_any_case_as_the_roster_write_does(api, org, slashed):
    write = api(
        "post",
        "/api/v1/roster",
        "roster",
        {"dry_run": True, "people": [roster_row(org["people"]["sam"], team_code="icb/comms")]},
        key="any-case",
    )
    assert write.status_code == 200, write.content
    response = api("get", "/api/v1/organisation/figures", "standing", {"team": "icb/comms"})
    assert response.status_code == 200, response.content
    assert response.json()["team"]["code"] == "ICB/COMMS"


def test_a_team_client_still_reads_no_team_outside_its_own_by_any_case(api, org):
    payroll = org["teams"]["payroll"]
    assert api("get", f"/api/v1/teams/{payroll.code.lower()}/standing", "finance").status_code == 200
    for code in (org["teams"]["comms"].code.lower(), org["teams"]["comms"].code):
        response = api("get", f"/api/v1/teams/{code}/standing", "finance")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert response.json()["detail"] == f"There is no team with the code {code!r} among this client's teams."


def test_a_path_below_a_team_read_is_still_no_address(api, org):
    comms = org["teams"]["comms"].code
    for path in (f"/api/v1/teams/{comms}/standing/more", f"/api/v1/teams/{comms}/other"):
        response = api("get", path, "standing")
        assert response.status_code == 404 and response.json()["detail"].startswith("There is no such address")


@pytest.mark.parametrize("code", ["ÉQUIPE", "équipe"])
def test_a_code_beyond_ascii_is_read_as_written(api, org, code):
    """SQLite's LOWER leaves É as it is: the code as written is still found there, as on PostgreSQL."""
    Team.objects.filter(pk=org["teams"]["comms"].pk).update(code=code)
    response = api("get", f"/api/v1/teams/{code}/standing", "standing")
    assert response.status_code == 200, response.content
    assert response.json()["team"]["code"] == code
