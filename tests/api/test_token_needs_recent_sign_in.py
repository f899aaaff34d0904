"""Making or rotating an API client's token asks the HR officer to confirm it is them, unless they just did.

A token opens the API from anywhere, with no second factor and no idle timeout, until it is revoked: a session that
proved its password and code hours ago (a browser left signed in) must not be enough to mint one. allauth's
re-authentication asks for the password (or, for someone who signs in only by single sign-on, a code from their
app), keeps the POST meanwhile and resumes it once they have confirmed."""

import pytest
from django.test import Client

from portal.api.models import ApiClient
from portal.audit.models import AuditEvent
from tests import factories

NEW_CLIENT = {"name": "ESR nightly", "scopes": ["write_completions", "read_standing"]}


@pytest.fixture
def hana(org):
    return org["people"]["hr"].user


@pytest.fixture
def stale(hana):
    """Hana's browser, signed in with her password and code nine hours ago (within the session's ten hours)."""
    return factories.signed_in_hours_ago(factories.sign_in(Client(), hana), hana, 9)


def _shown_token(client, response) -> str:
    page = client.get(response["Location"]).content.decode()
    return page.split('<code id="token">')[1].split("</code>")[0]


def test_a_session_signed_in_hours_ago_confirms_the_password_before_a_token_is_made(api, org, hana, stale):
    response = stale.post("/hr/api-clients/", NEW_CLIENT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Fhr%2Fapi-clients%2F"
    assert not ApiClient.objects.filter(name="ESR nightly").exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED, scope__contains="ESR nightly").exists()

    wrong = stale.post(response["Location"], {"password": "not my password"})
    assert wrong.status_code == 200 and not ApiClient.objects.filter(name="ESR nightly").exists()
    confirmed = stale.post(response["Location"], {"password": factories.PASSWORD})
    client = ApiClient.objects.get(name="ESR nightly")  # the form she sent is made once she has confirmed
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/hr/api-clients/{client.pk}/"
    assert sorted(client.scopes) == ["read_standing", "write_completions"] and client.created_by == hana
    token = _shown_token(stale, confirmed)
    assert api("get", "/api/v1/organisation/figures", token=token).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.ROLE_CHANGED, detail__api_client=client.pk)
    assert event.actor == hana and "created" in event.scope


def test_rotating_a_token_in_a_session_signed_in_hours_ago_confirms_the_password_first(api, org, stale):
    client = org["clients"]["standing"]
    before = client.token_sha256
    response = stale.post(f"/hr/api-clients/{client.pk}/rotate/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reauthenticate/?next=%2Fhr%2Fapi-clients%2F{client.pk}%2Frotate%2F"
    client.refresh_from_db()
    assert client.token_sha256 == before and client.rotated_at is None
    assert api("get", "/api/v1/organisation/figures", "standing").status_code == 200  # the old token still works

    confirmed = stale.post(response["Location"], {"password": factories.PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/hr/api-clients/{client.pk}/"
    new = _shown_token(stale, confirmed)
    client.refresh_from_db()
    assert client.rotated_at is not None and client.token_sha256 != before
    assert api("get", "/api/v1/organisation/figures", "standing").status_code == 401
    assert api("get", "/api/v1/organisation/figures", token=new).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED, detail__api_client=client.pk).exists()


def test_a_session_that_just_signed_in_or_confirmed_makes_tokens_without_being_asked(org, hana, stale):
    fresh = factories.sign_in(Client(), hana)  # password and code typed just now
    assert fresh.post("/hr/api-clients/", NEW_CLIENT).status_code == 302
    assert ApiClient.objects.filter(name="ESR nightly").exists()

    stale.post("/hr/api-clients/", {**NEW_CLIENT, "name": "First"})
    stale.post("/accounts/reauthenticate/?next=%2Fhr%2Fapi-clients%2F", {"password": factories.PASSWORD})
    response = stale.post("/hr/api-clients/", {**NEW_CLIENT, "name": "Second"})  # confirmed a moment ago
    assert response.status_code == 302 and response["Location"].startswith("/hr/api-clients/")
    assert ApiClient.objects.filter(name__in=["First", "Second"]).count() == 2


def test_the_list_and_a_clients_page_open_without_confirming(org, stale):
    assert stale.get("/hr/api-clients/").status_code == 200
    assert stale.get(f"/hr/api-clients/{org['clients']['standing'].pk}/").status_code == 200


def test_an_hr_officer_who_signs_in_only_by_single_sign_on_confirms_with_a_code(api, org, hana):
    hana.set_unusable_password()
    hana.save()
    browser = factories.signed_in_hours_ago(factories.sign_in(Client(), hana), hana, 9, first="socialaccount")
    response = browser.post("/hr/api-clients/", NEW_CLIENT)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fhr%2Fapi-clients%2F"
    assert not ApiClient.objects.filter(name="ESR nightly").exists()

    assert browser.post(response["Location"], {"code": "000000"}).status_code == 200
    assert not ApiClient.objects.filter(name="ESR nightly").exists()
    confirmed = browser.post(response["Location"], {"code": factories.totp_code()})
    client = ApiClient.objects.get(name="ESR nightly")
    assert confirmed.status_code == 302 and confirmed["Location"] == f"/hr/api-clients/{client.pk}/"
    assert api("get", "/api/v1/organisation/figures", token=_shown_token(browser, confirmed)).status_code == 200

    rotate = browser.post(f"/hr/api-clients/{client.pk}/rotate/")  # confirmed a moment ago: not asked again
    assert rotate.status_code == 302 and rotate["Location"] == f"/hr/api-clients/{client.pk}/"
