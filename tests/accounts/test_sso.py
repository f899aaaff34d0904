"""Single sign-on, end to end against a real OpenID Connect provider (the npm package oidc-provider, run by node on a
free loopback port: tests/oidc/). The person's browser is a `requests` session at the provider and Django's test
client at the portal; the portal fetches discovery, tokens, userinfo and keys from the provider for real.
"""

import datetime
import re
import runpy
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account import app_settings as account_settings
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client as DjangoClient
from django.utils import timezone

from portal.audit.models import AuditEvent
from tests import factories
from tests.oidc.harness import Client, running_provider

BASE_SETTINGS = Path(__file__).resolve().parents[2] / "portal" / "settings" / "base.py"
SSO_ENV = [
    "PORTAL_SSO_ISSUER",
    "PORTAL_SSO_CLIENT_ID",
    "PORTAL_SSO_CLIENT_SECRET",
    "PORTAL_SSO_PROVIDER_NAME",
    "PORTAL_SSO_PROVIDER_ID",
    "PORTAL_SSO_TRUST_EMAIL",
    "PORTAL_PASSWORD_LOGIN",
]
PROVIDER_ID = "nhsmail-test"
LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"
CALLBACK = f"/accounts/oidc/{PROVIDER_ID}/login/callback/"
PORTAL = Client("training-portal", "portal-test-secret", [f"http://testserver{CALLBACK}"])
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the editor's authenticator app (TOTP)
OTHER = Client("another-nhs-service", "other-service-secret", ["http://other-service.example/callback"])


def settings_from_env(monkeypatch, **env) -> dict:
    """Run portal/settings/base.py with exactly these SSO environment variables, as a deployment would."""
    for name in SSO_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(BASE_SETTINGS))


@pytest.fixture(scope="session")
def idp():
    with running_provider([PORTAL, OTHER]) as provider:
        yield provider


@pytest.fixture
def configure(idp, settings, monkeypatch, db):
    def configure(**env):
        values = settings_from_env(
            monkeypatch,
            PORTAL_SSO_ISSUER=idp.issuer,
            PORTAL_SSO_CLIENT_ID=PORTAL.client_id,
            PORTAL_SSO_CLIENT_SECRET=PORTAL.client_secret,
            PORTAL_SSO_PROVIDER_NAME="NHSmail",
            PORTAL_SSO_PROVIDER_ID=PROVIDER_ID,
            **env,
        )
        for name in ("SOCIALACCOUNT_PROVIDERS", "PORTAL_PASSWORD_LOGIN", "CONTENT_SECURITY_POLICY"):
            setattr(settings, name, values[name])
        return idp

    return configure


@pytest.fixture
def sso(configure):
    return configure()


def roster_person(email="priya.shah@example.nhs.uk", **staff):
    user = factories.make_user(email=email, first_name="Priya", last_name="Shah")
    factories.make_staff(user=user, **staff)
    return user


def new_sub() -> str:
    return f"sub-{uuid.uuid4()}"


def local(url: str) -> str:
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return f"{parts.path}?{parts.query}"


def sign_in(client, idp, sub, *, start=LOGIN, browser=None):
    """Press 'Sign in with NHSmail', sign in at the provider as `sub`, and come back. Returns (response, callback)."""
    started = client.post(start)
    assert started.status_code == 302, started.content
    back = idp.authorize(started["Location"], sub, browser=browser)
    assert back.startswith(f"http://testserver{CALLBACK}?"), back
    return client.get(local(back)), local(back)


def signed_in_as(client):
    return client.session.get("_auth_user_id")


# --- configuration ---------------------------------------------------------------------------------------------


def test_without_an_issuer_sso_is_off_and_no_button_shows(client, db, settings, monkeypatch):
    values = settings_from_env(monkeypatch)
    assert values["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == ["'self'"]
    assert values["PORTAL_PASSWORD_LOGIN"] is True
    settings.SOCIALACCOUNT_PROVIDERS = values["SOCIALACCOUNT_PROVIDERS"]
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in html and 'name="password"' in html
    assert client.post("/accounts/oidc/nhsmail/login/").status_code == 404


def test_the_settings_come_from_the_environment(monkeypatch):
    issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0"
    values = settings_from_env(
        monkeypatch,
        PORTAL_SSO_ISSUER=issuer + "/",
        PORTAL_SSO_CLIENT_ID="client-id",
        PORTAL_SSO_CLIENT_SECRET="client-secret",
        PORTAL_SSO_TRUST_EMAIL="true",
        PORTAL_PASSWORD_LOGIN="false",
    )
    [app] = values["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"]
    assert app["provider_id"] == "nhsmail" and app["name"] == "NHSmail"
    assert (app["client_id"], app["secret"]) == ("client-id", "client-secret")
    assert app["settings"] == {"server_url": issuer, "scope": ["openid", "email", "profile"], "trust_email": True}
    assert values["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["OAUTH_PKCE_ENABLED"] is True
    assert values["PORTAL_PASSWORD_LOGIN"] is False
    # Browsers apply form-action to the redirect that answers the button's form: the provider must be allowed.
    assert values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == [
        "'self'",
        "https://login.microsoftonline.com",
    ]
    with pytest.raises(ImproperlyConfigured, match="PORTAL_SSO_CLIENT_SECRET"):
        settings_from_env(monkeypatch, PORTAL_SSO_ISSUER=issuer, PORTAL_SSO_CLIENT_ID="client-id")
    with pytest.raises(ImproperlyConfigured, match="https"):
        settings_from_env(
            monkeypatch, PORTAL_SSO_ISSUER="http://idp.example", PORTAL_SSO_CLIENT_ID="a", PORTAL_SSO_CLIENT_SECRET="b"
        )


def test_the_sign_in_page_offers_the_provider_by_name(client, sso):
    page = client.get("/accounts/login/?next=/learn/")
    assert f"form-action 'self' {sso.issuer}" in page["Content-Security-Policy"]
    html = page.content.decode()
    assert re.search(rf'<form method="post" action="{LOGIN}\?process=login&amp;next=%2Flearn%2F">', html)
    assert ">Sign in with NHSmail</button>" in html
    assert 'name="password"' in html  # password sign-in stays unless turned off
    confirm = client.get(LOGIN).content.decode()  # starting a sign-in by GET only asks to confirm (no CSRF by GET)
    assert "<h1>Sign in with NHSmail</h1>" in confirm and ">Continue to NHSmail</button>" in confirm


# --- signing in ------------------------------------------------------------------------------------------------


def test_someone_on_the_roster_signs_in_and_lands_signed_in(client, sso, home_page):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True, name="Priya Shah")
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == str(person.pk)
    account = SocialAccount.objects.get(user=person)
    assert (account.provider, account.uid) == (PROVIDER_ID, sub)
    assert 'data-testid="signed-in-as">Priya Shah<' in client.get("/", follow=True).content.decode()


def test_a_later_email_change_at_the_provider_still_finds_them_by_sub(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    sign_in(client, sso, sub)
    client.post("/accounts/logout/")
    sso.add_account(sub, email="priya.shah2@nhs.example", email_verified=True)  # not on the roster
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 302 and signed_in_as(client) == str(person.pk)
    assert SocialAccount.objects.filter(user=person).count() == 1


def test_someone_not_on_the_roster_is_told_to_ask_hr_and_nothing_is_created(client, sso):
    roster_person()
    users, accounts = get_user_model().objects.count(), SocialAccount.objects.count()
    sub = sso.add_account(new_sub(), email="stranger@example.nhs.uk", email_verified=True)
    response, _ = sign_in(client, sso, sub)
    html = response.content.decode()
    assert response.status_code == 403
    assert "We cannot find you on the staff list" in html and "Ask HR" in html
    assert "No account has been created for you." in html
    assert signed_in_as(client) is None
    assert (get_user_model().objects.count(), SocialAccount.objects.count()) == (users, accounts)
    assert AuditEvent.objects.filter(action=AuditEvent.SIGN_IN_FAILED, scope="stranger@example.nhs.uk").exists()


def test_an_email_the_provider_has_not_verified_is_not_matched(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=False)
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 403
    assert "We could not confirm your work email address" in response.content.decode()
    assert signed_in_as(client) is None and not SocialAccount.objects.exists()


def test_trusting_the_issuers_email_lets_in_an_entra_style_account_without_email_verified(client, configure):
    idp = configure(PORTAL_SSO_TRUST_EMAIL="true")
    person = roster_person()
    # Entra ID: no email_verified; the address often comes only as preferred_username (the UPN).
    sub = idp.add_account(new_sub(), preferred_username=person.email.upper(), name="Priya Shah")
    response, _ = sign_in(client, idp, sub)
    assert response.status_code == 302 and signed_in_as(client) == str(person.pk)


@pytest.mark.parametrize("days", [-1, -30])
def test_a_leaver_cannot_sign_in(client, sso, days):
    person = roster_person(leave_date=timezone.localdate() + datetime.timedelta(days=days))
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    response, _ = sign_in(client, sso, sub)
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot sign in" in html and "Our records show that you left" in html and "contact HR" in html
    assert signed_in_as(client) is None and not SocialAccount.objects.exists()


@pytest.mark.parametrize("days", [1, 0])
def test_someone_leaving_tomorrow_or_on_their_last_day_today_can_still_sign_in(client, sso, days):
    person = roster_person(leave_date=timezone.localdate() + datetime.timedelta(days=days))
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    sign_in(client, sso, sub)
    assert signed_in_as(client) == str(person.pk)


def test_a_leaver_linked_before_cannot_sign_in_by_sub(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    sign_in(client, sso, sub)
    client.post("/accounts/logout/")
    person.staff.leave_date = timezone.localdate() - datetime.timedelta(days=1)
    person.staff.save()
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 403 and "Our records show that you left" in response.content.decode()
    assert signed_in_as(client) is None


def test_a_roster_email_already_linked_to_another_sub_is_refused(client, sso):
    person = roster_person()
    first = sso.add_account(new_sub(), email=person.email, email_verified=True)
    sign_in(client, sso, first)
    client.post("/accounts/logout/")
    second = sso.add_account(new_sub(), email=person.email, email_verified=True)
    response, _ = sign_in(client, sso, second)
    assert response.status_code == 400 and signed_in_as(client) is None
    assert list(SocialAccount.objects.values_list("uid", flat=True)) == [first]


def test_a_signed_in_person_cannot_link_someone_elses_account(client, sso):
    other = roster_person(email="owen.jones@example.nhs.uk")
    person = roster_person()
    factories.sign_in(client, person)
    sub = sso.add_account(new_sub(), email=other.email, email_verified=True)
    response, _ = sign_in(client, sso, sub, start=f"{LOGIN}?process=connect")
    assert response.status_code == 400
    assert not SocialAccount.objects.exists()


def test_cancelling_at_the_provider_signs_nobody_in(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    started = client.post(LOGIN)
    back = sso.authorize(started["Location"], sub, cancel=True)
    response = client.get(local(back), follow=True)
    assert "<h1>You did not sign in</h1>" in response.content.decode()
    assert signed_in_as(client) is None


# --- tokens that must not be accepted --------------------------------------------------------------------------


def test_an_id_token_issued_to_another_client_is_refused(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    # A genuine ID token, signed by the provider, for the same person, but for another service (aud).
    foreign = sso.issue_tokens(OTHER.client_id, sub)["id_token"]
    sso.hand_out_next(foreign)
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 401 and "Sign-in did not work" in response.content.decode()
    assert signed_in_as(client) is None and not SocialAccount.objects.exists()
    assert "InvalidAudienceError" in AuditEvent.objects.get(action=AuditEvent.SIGN_IN_FAILED).detail["detail"]


def test_an_id_token_from_another_sign_in_is_refused_by_its_nonce(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    # A genuine ID token for this portal and this person, from an earlier sign-in (another nonce), replayed.
    replayed = sso.issue_tokens(PORTAL.client_id, sub, nonce="nonce-of-an-earlier-sign-in")["id_token"]
    sso.hand_out_next(replayed)
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 400 and "Sign-in did not work" in response.content.decode()
    assert signed_in_as(client) is None and not SocialAccount.objects.exists()
    assert "nonce" in AuditEvent.objects.get(action=AuditEvent.SIGN_IN_FAILED).detail["reason"]


def test_replaying_the_callback_signs_nobody_in(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    _, callback = sign_in(client, sso, sub)
    assert signed_in_as(client) == str(person.pk)
    client.post("/accounts/logout/")

    # The same browser, the same authorization response: its state was used up.
    replay = client.get(callback)
    assert replay.status_code == 401 and signed_in_as(client) is None
    # Another browser (an attacker who saw the URL): no state in that session at all.
    other = DjangoClient()
    assert other.get(callback).status_code == 401 and signed_in_as(other) is None
    # The old code with a fresh, valid state: the provider will not redeem a code twice (nor with another PKCE).
    started = client.post(LOGIN)
    fresh_state = dict(p.split("=", 1) for p in urlsplit(started["Location"]).query.split("&"))["state"]
    tampered = re.sub(r"state=[^&]+", f"state={fresh_state}", callback)
    assert client.get(tampered).status_code == 401 and signed_in_as(client) is None


# --- password sign-in, and the Wagtail admin -------------------------------------------------------------------


def test_with_password_sign_in_off_the_page_offers_only_single_sign_on(client, configure):
    configure(PORTAL_PASSWORD_LOGIN="false")
    html = client.get("/accounts/login/").content.decode()
    assert ">Sign in with NHSmail</button>" in html
    assert 'name="password"' not in html and "forgotten my password" not in html


@pytest.mark.parametrize("password", [factories.PASSWORD, "a wrong password"])
def test_with_password_sign_in_off_password_posts_are_refused(client, configure, person, password):
    configure(PORTAL_PASSWORD_LOGIN="false")
    response = client.post("/accounts/login/", {"login": person.email, "password": password})
    html = response.content.decode()
    assert response.status_code == 200 and signed_in_as(client) is None
    assert "There is a problem" in html and "Password sign-in is turned off." in html


def test_with_password_sign_in_off_a_superuser_can_still_break_glass(client, configure):
    configure(PORTAL_PASSWORD_LOGIN="false")
    admin = factories.make_user(email="admin@example.nhs.uk", is_superuser=True, is_staff=True)
    assert 'name="password"' in client.get("/accounts/login/?break-glass").content.decode()
    response = client.post("/accounts/login/?break-glass", {"login": admin.email, "password": factories.PASSWORD})
    assert response.status_code == 302 and signed_in_as(client) == str(admin.pk)


def test_with_password_sign_in_off_the_wagtail_admins_own_sign_in_form_refuses_passwords_too(client, configure):
    configure(PORTAL_PASSWORD_LOGIN="false")
    editor = roster_person()
    editor.groups.add(Group.objects.get(name="Editors"))
    client.post("/cms/login/", {"username": editor.email, "password": factories.PASSWORD})
    assert signed_in_as(client) is None
    # Not even the break-glass superuser: the only password door is /accounts/login/?break-glass.
    admin = factories.make_user(email="admin@example.nhs.uk", is_superuser=True, is_staff=True)
    client.post("/cms/login/", {"username": admin.email, "password": factories.PASSWORD})
    assert signed_in_as(client) is None


def test_the_wagtail_admin_signs_in_through_single_sign_on(client, sso):
    editor = roster_person()
    editor.groups.add(Group.objects.get(name="Editors"))
    factories.with_mfa(editor, SECRET)
    sub = sso.add_account(new_sub(), email=editor.email, email_verified=True)

    to_login = client.get("/cms/")
    assert to_login.status_code == 302 and to_login["Location"] == "/accounts/login/?next=/cms/"
    html = client.get(to_login["Location"]).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)">\s*<input[^>]+csrfmiddlewaretoken', html).group(1)
    response, _ = sign_in(client, sso, sub, start=action.replace("&amp;", "&"))
    assert response["Location"] == "/accounts/2fa/authenticate/"  # the editor's second factor is still asked for
    cache.clear()  # allauth refuses a TOTP code it has seen used: another test may have used this one just now
    code = factories.totp_code(SECRET)
    done = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert done["Location"] == "/cms/" and signed_in_as(client) == str(editor.pk)
    assert client.get("/cms/").status_code == 200


def _signed_in_by_sso_a_while_ago(client, idp, browser):
    """An SSO-only person signed in (also at the provider, in `browser`) longer ago than the re-authentication
    timeout; returns (person, sub, the URL the 'Sign in again' button posts to)."""
    person = roster_person()
    person.set_unusable_password()
    person.save()
    sub = idp.add_account(new_sub(), email=person.email, email_verified=True)
    sign_in(client, idp, sub, browser=browser)
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] -= account_settings.REAUTHENTICATION_TIMEOUT + 60
    session.save()
    html = client.get("/accounts/password/set/").content.decode()
    assert "<h1>Sign in again to set a password</h1>" in html
    action = re.search(r'<form method="post" action="([^"]+)">\s*<input[^>]+csrfmiddlewaretoken', html).group(1)
    return person, sub, action.replace("&amp;", "&")


def test_an_ordinary_sign_in_needs_no_auth_time(client, sso):
    person = roster_person()
    sub = sso.add_account(new_sub(), email=person.email, email_verified=True)
    started = client.post(LOGIN)
    assert "max_age" not in started["Location"] and "prompt" not in started["Location"]
    response = client.get(local(sso.authorize(started["Location"], sub)))
    assert response.status_code == 302 and signed_in_as(client) == str(person.pk)
    assert "auth_time" not in SocialAccount.objects.get(user=person).extra_data["id_token"]


def test_to_set_a_password_later_the_person_signs_in_again_and_the_provider_asks_for_theirs(client, sso):
    browser = requests.Session()  # the person's browser, signed in at the provider from here on
    person, sub, action = _signed_in_by_sso_a_while_ago(client, sso, browser)
    started = client.post(action)
    assert "prompt=login" in started["Location"]
    assert f"max_age={account_settings.REAUTHENTICATION_TIMEOUT}" in started["Location"]
    # Without prompt=login the provider would send the browser straight back, signed in as whoever it holds.
    asked = browser.get(started["Location"], allow_redirects=True, timeout=5)
    assert asked.json()["prompt"] == "login"
    back = sso.authorize(started["Location"], sub, browser=browser)
    assert client.get(local(back))["Location"] == "/accounts/password/set/"
    assert time.time() - SocialAccount.objects.get(user=person).extra_data["id_token"]["auth_time"] < 60  # just now
    assert 'name="password1"' in client.get("/accounts/password/set/").content.decode()
    new = "a brand new long passphrase 42"
    assert client.post("/accounts/password/set/", {"password1": new, "password2": new}).status_code == 302
    person.refresh_from_db()
    assert person.check_password(new)


def test_a_walk_up_ordinary_sign_in_does_not_open_the_password_page(client, sso):
    browser = requests.Session()  # the person's browser, still signed in at the provider
    person, sub, _ = _signed_in_by_sso_a_while_ago(client, sso, browser)
    # At the unlocked PC: the ordinary "Sign in with NHSmail", not the page's button. The provider's session in the
    # browser signs the person straight back in, asking nothing.
    started = client.post(LOGIN)
    back = sso.authorize(started["Location"], sub, browser=browser)
    assert client.get(local(back)).status_code == 302 and signed_in_as(client) == str(person.pk)
    assert "<h1>Sign in again to set a password</h1>" in client.get("/accounts/password/set/").content.decode()
    new = "a brand new long passphrase 42"
    refused = client.post("/accounts/password/set/", {"password1": new, "password2": new})
    assert refused["Location"] == "/accounts/password/set/"
    person.refresh_from_db()
    assert not person.has_usable_password()


@pytest.mark.parametrize("provider_answers", ["with the old sign-in's auth_time", "without auth_time"])
def test_signing_in_again_proves_nothing_unless_the_provider_says_it_asked_just_now(client, sso, provider_answers):
    browser = requests.Session()
    person, sub, action = _signed_in_by_sso_a_while_ago(client, sso, browser)
    records = list(client.session[AUTHENTICATION_METHODS_SESSION_KEY])
    started = client.post(action)
    if provider_answers == "without auth_time":
        sso.ignore_next_reauthentication()  # its session in this browser signs the person straight back in
        back = sso.authorize(started["Location"], sub, browser=browser)
    else:
        an_hour_ago = time.time() - 3600
        back = sso.authorize(started["Location"], sub, browser=browser, signed_in_at=an_hour_ago)
    response = client.get(local(back))
    html = response.content.decode()
    assert response.status_code == 400
    assert "NHSmail did not ask for your password again" in html and "Sign out of NHSmail" in html
    assert client.session[AUTHENTICATION_METHODS_SESSION_KEY] == records  # nothing recorded as proof
    assert signed_in_as(client) == str(person.pk)  # still signed in as before, no more
    assert "<h1>Sign in again to set a password</h1>" in client.get("/accounts/password/set/").content.decode()
    assert "auth_time" in AuditEvent.objects.get(action=AuditEvent.SIGN_IN_FAILED).detail["reason"]
