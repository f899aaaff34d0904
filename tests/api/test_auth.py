"""Who may call: a client's token, for its scopes, and nothing else. A session opens no endpoint, a token opens no
page, a revoked or rotated token opens nothing, and every call is rate limited."""

import pytest
from django.test import Client

from portal.api.clients import api_client_revoke, api_client_rotate
from portal.audit.models import AuditEvent
from tests import factories

from .conftest import completion

READS = ["/api/v1/people/{sam}/standing", "/api/v1/teams/{comms}/standing", "/api/v1/organisation/figures"]


def _paths(org):
    return [p.format(sam=org["people"]["sam"].employee_number, comms=org["teams"]["comms"].code) for p in READS]


def _problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["type"].endswith(f"#problem-{code}") and body["title"] and body["detail"]
    return body


def test_no_token_is_refused_with_a_problem_naming_the_header(api, org):
    for path in [*_paths(org), "/api/v1/ledger/entries"]:
        body = _problem(api("get", path), 401, "not_authenticated")
        assert "Authorization: Bearer" in body["detail"]
    response = api("post", "/api/v1/completions", body={"completions": []}, key="k")
    _problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("header", ["Bearer", "Basic dXNlcjpwYXNz", "Token abc", "bearer  "])
def test_a_header_that_is_not_a_bearer_token_is_refused(api, org, header):
    response = Client().get(_paths(org)[0], headers={"Authorization": header})
    _problem(response, 401, "not_authenticated")


@pytest.mark.parametrize("token", ["ntp_abc_def", "ntp_", "x" * 500, "ntp_\x00_\x00"])
def test_an_unknown_token_is_refused(api, org, token):
    response = api("get", _paths(org)[0], token=token)
    _problem(response, 401, "token_not_recognised")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_a_token_with_its_secret_changed_is_refused(api, org):
    real = org["tokens"]["standing"]
    forged = real[:-4] + ("aaaa" if not real.endswith("aaaa") else "bbbb")
    _problem(api("get", _paths(org)[0], token=forged), 401, "token_not_recognised")


def test_a_revoked_client_is_refused_everywhere_and_the_attempt_is_audited(api, org):
    client = org["clients"]["standing"]
    api_client_revoke(client=client, reason="Replaced by the new ESR link", user=org["people"]["hr"].user)
    for path in _paths(org):
        _problem(api("get", path, "standing"), 401, "token_revoked")
    refused = AuditEvent.objects.filter(action=AuditEvent.REFUSED, detail__api_client=client.pk)
    assert refused.count() == 3
    assert refused.first().actor_name == client.audit_name


def test_a_rotated_token_stops_working_and_the_new_one_works(api, org):
    old = org["tokens"]["standing"]
    new = api_client_rotate(client=org["clients"]["standing"], user=org["people"]["hr"].user)
    _problem(api("get", _paths(org)[0], token=old), 401, "token_not_recognised")
    assert api("get", _paths(org)[0], token=new).status_code == 200


def test_a_signed_in_session_opens_no_endpoint_even_hr_with_their_second_factor(api, org):
    browser = factories.sign_in(Client(), org["people"]["hr"].user)
    for path in [*_paths(org), "/api/v1/ledger/entries"]:
        _problem(api("get", path, client=browser), 401, "not_authenticated")
    response = api(
        "post",
        "/api/v1/completions",
        body={"completions": [completion(org["people"]["sam"])]},
        key="session-1",
        client=browser,
    )
    _problem(response, 401, "not_authenticated")
    assert not AuditEvent.objects.filter(action=AuditEvent.IMPORT).exists()


def test_a_token_opens_no_web_page(api, org):
    for page in ("/", "/team/", "/hr/reports/organisation/", "/hr/api-clients/", "/exports/csv/"):
        response = Client().get(page, headers={"Authorization": f"Bearer {org['tokens']['standing']}"})
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), page


def test_the_api_needs_no_csrf_token_because_it_takes_no_cookie(api, org):
    strict = Client(enforce_csrf_checks=True)
    response = api(
        "post",
        "/api/v1/completions",
        "completions",
        {"completions": [completion(org["people"]["sam"])]},
        key="csrf-1",
        client=strict,
    )
    assert response.status_code == 202


def test_each_client_is_rate_limited_and_told_when_to_come_back(api, org, settings):
    settings.PORTAL_API_RATE_PER_MINUTE = 3
    path = _paths(org)[0]
    assert [api("get", path, "standing").status_code for _ in range(3)] == [200] * 3
    response = api("get", path, "standing")
    _problem(response, 429, "rate_limited")
    assert 0 < int(response["Retry-After"]) <= 60
    assert api("get", path, "finance").status_code == 404  # another client has its own allowance (Sam is not theirs)


def test_calls_without_a_valid_token_are_limited_by_address(api, org, settings):
    settings.PORTAL_API_FAILURES_PER_MINUTE = 2
    path = _paths(org)[0]
    assert [api("get", path, token="ntp_x_y").status_code for _ in range(2)] == [401, 401]
    _problem(api("get", path, token="ntp_x_y"), 429, "rate_limited")


def test_answers_are_never_stored_by_a_browser_or_proxy(api, org):
    response = api("get", _paths(org)[0], "standing")
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_address_or_method_is_a_problem_too(api, org):
    _problem(api("get", "/api/v1/nowhere/", "standing"), 404, "not_found")
    response = api("delete", "/api/v1/completions", "completions")
    body = _problem(response, 405, "method_not_allowed")
    assert "POST" in body["detail"] and response["Allow"] == "POST"


def test_the_openapi_document_and_its_page_are_served_from_the_portal(api, org):
    document = api("get", "/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/completions", "/api/v1/roster", "/api/v1/ledger/entries"} <= set(document["paths"])
    assert document["paths"]["/api/v1/completions"]["post"]["x-scope"] == "write_completions"
    page = api("get", "/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "POST /api/v1/completions" in html and 'id="problem-idempotency_key_reused"' in html
    assert "<script" not in html.replace('<script src="/static/', "")  # only the portal's own scripts
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert api("get", "/api/v1/").status_code == 302
