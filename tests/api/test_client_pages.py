"""HR's pages for API clients: make one and see its token once, rotate it, revoke it; only HR with a second factor."""

import pytest
from django.test import Client

from portal.api.models import ApiClient
from portal.audit.models import AuditEvent
from tests import factories


@pytest.fixture
def hr_client(org):
    return factories.sign_in(Client(), org["people"]["hr"].user)


def test_hr_makes_a_client_and_sees_its_token_once(api, org, hr_client):
    data = {"name": "ESR nightly", "scopes": ["read_standing", "write_completions"], "team": org["teams"]["finance"].pk}
    response = hr_client.post("/hr/api-clients/", data)
    client = ApiClient.objects.get(name="ESR nightly")
    assert response.status_code == 302 and response["Location"] == f"/hr/api-clients/{client.pk}/"
    page = hr_client.get(response["Location"]).content.decode()
    token = page.split('<code id="token">')[1].split("</code>")[0]
    assert token.startswith(f"ntp_{client.token_prefix}_") and client.token_sha256 not in page
    assert client.scopes == ["read_standing", "write_completions"] and client.team == org["teams"]["finance"]
    assert 'id="token"' not in hr_client.get(response["Location"]).content.decode()  # shown once
    fay = org["people"]["fay"]
    assert api("get", f"/api/v1/people/{fay.employee_number}/standing", token=token).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.ROLE_CHANGED, detail__api_client=client.pk)
    assert event.actor == org["people"]["hr"].user and "created" in event.scope


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "scopes": ["read_standing"]}, "id_name", "Enter a name for the client"),
        ({"name": "X", "scopes": []}, "id_scopes_0", "Choose at least one thing the client may do"),
        ({"name": "X", "scopes": ["delete_everything"]}, "id_scopes_0", "Choose what the client may do from the list"),
        ({"name": "X\u202e", "scopes": ["read_standing"]}, "id_name", "U+202E"),
        ({"name": "ledger system", "scopes": ["read_standing"]}, "id_name", "There is already a client named"),
        ({"name": "X", "scopes": ["read_ledger"], "team": "TEAM"}, "id_scopes_0", "cannot read the ledger"),
        ({"name": "X", "scopes": ["read_standing"], "team": "999999"}, "id_team", "Choose a team from the list"),
    ],
)
def test_a_client_that_cannot_be_made_is_named_in_the_error_summary_and_nothing_is_made(
    org, hr_client, data, field, message
):
    if data.get("team") == "TEAM":
        data["team"] = org["teams"]["finance"].pk
    before = ApiClient.objects.count()
    response = hr_client.post("/hr/api-clients/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and f'href="#{field}"' in html and message in html
    assert f'id="{field}"' in html
    assert ApiClient.objects.count() == before


def test_hr_rotates_a_token_and_the_old_one_stops(api, org, hr_client):
    client, old = org["clients"]["standing"], org["tokens"]["standing"]
    response = hr_client.post(f"/hr/api-clients/{client.pk}/rotate/")
    page = hr_client.get(response["Location"]).content.decode()
    new = page.split('<code id="token">')[1].split("</code>")[0]
    path = f"/api/v1/people/{org['people']['sam'].employee_number}/standing"
    assert api("get", path, token=old).status_code == 401
    assert api("get", path, token=new).status_code == 200


def test_hr_revokes_a_client_with_a_reason(api, org, hr_client):
    client = org["clients"]["standing"]
    refused = hr_client.post(f"/hr/api-clients/{client.pk}/revoke/", {"reason": ""})
    assert refused.status_code == 400 and "Give the reason for revoking the client" in refused.content.decode()
    response = hr_client.post(f"/hr/api-clients/{client.pk}/revoke/", {"reason": "ESR link replaced"})
    assert response.status_code == 302
    client.refresh_from_db()
    assert client.is_revoked and client.revoked_reason == "ESR link replaced"
    assert api("get", "/api/v1/organisation/figures", "standing").json()["code"] == "token_revoked"
    assert hr_client.post(f"/hr/api-clients/{client.pk}/rotate/").status_code == 302
    client.refresh_from_db()
    assert client.rotated_at is None  # a revoked client cannot be brought back by a new token


def test_the_pages_are_for_hr_who_proved_their_second_factor(org):
    staff = factories.sign_in(Client(), org["people"]["sam"].user)
    assert staff.get("/hr/api-clients/").status_code == 403
    password_only = factories.sign_in(Client(), org["people"]["hr"].user, second_factor=False)
    response = password_only.get("/hr/api-clients/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert password_only.post("/hr/api-clients/", {"name": "Sneaky", "scopes": ["read_ledger"]}).status_code == 302
    assert not ApiClient.objects.filter(name="Sneaky").exists()


def test_the_list_runs_the_same_queries_however_many_clients(org, hr_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        hr_client.get("/hr/api-clients/")
    for n in range(10):
        factories.make_team(f"Extra {n}")
        hr_client.post("/hr/api-clients/", {"name": f"System {n}", "scopes": ["read_standing"]})
    with CaptureQueriesContext(connection) as many:
        assert hr_client.get("/hr/api-clients/").status_code == 200
    assert len(many) == len(few)
