"""Setting a first password (someone who signs in only by single sign-on) needs them to have proved who they are
moments before: a code from their authenticator app if they have one, else signing in again through single sign-on
(portal.accounts.views_password). A session left open cannot set a password, use it to "confirm it is you", and swap
the second factor."""

import time

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from django.test import Client

from portal.accounts.views_password import REAUTHENTICATED_AT
from portal.people.roles import hr_group
from tests import factories

SET = "/accounts/password/set/"
NEW = "a brand new long passphrase 42"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LONG_AGO = account_settings.REAUTHENTICATION_TIMEOUT / 60 + 15  # minutes: an unlocked PC, the person away


def _sso_only(email="sam.sso@example.nhs.uk", *, hr=False, app=False):
    user = factories.make_user(email=email)
    user.set_unusable_password()
    user.save()
    if hr:
        user.groups.add(hr_group())
    factories.make_staff(user=user)
    if app:
        factories.with_mfa(user, SECRET)
    user.refresh_from_db()
    return user


def _signed_in_by_sso(user, *, minutes_ago, with_code=False) -> Client:
    """A session as allauth leaves it after single sign-on (and the app's code, for someone who has one)."""
    client = Client()
    client.force_login(user)
    session = client.session
    at = time.time() - minutes_ago * 60
    records = [{"method": "socialaccount", "at": at, "provider": "nhsmail", "uid": "sub-1"}]
    if with_code:
        totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        records.append({"method": "mfa", "at": at, "id": totp.pk, "type": totp.type})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def _post_new_password(client):
    return client.post(SET, {"password1": NEW, "password2": NEW})


def _password_is_set(user) -> bool:
    user.refresh_from_db()
    return user.has_usable_password()


def test_an_old_single_sign_on_session_cannot_set_a_password(db):
    sam = _sso_only()
    client = _signed_in_by_sso(sam, minutes_ago=LONG_AGO)
    response = _post_new_password(client)
    assert (response.status_code, response["Location"]) == (302, SET)  # what was posted is not kept
    assert not _password_is_set(sam)
    page = client.get(SET)
    html = page.content.decode()
    assert page.status_code == 200 and "<h1>Sign in again to set a password</h1>" in html
    assert 'name="password1"' not in html
    assert "within 5 minutes of signing in" in html


def test_without_single_sign_on_set_up_the_page_offers_to_sign_out_and_in_again(db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
    client = _signed_in_by_sso(_sso_only(), minutes_ago=LONG_AGO)
    html = client.get(SET).content.decode()
    assert '<form method="post" action="/accounts/logout/">' in html and ">Sign out</button>" in html


def test_a_session_with_no_sign_in_recorded_cannot_set_a_password(db):
    sam = _sso_only()
    client = Client()
    client.force_login(sam)  # as a side door would leave it: no record of how the person signed in
    _post_new_password(client)
    assert not _password_is_set(sam)


def test_an_ordinary_sign_in_straight_before_is_not_proof(db):
    # At an unlocked PC, "Sign in with NHSmail" signs the person straight back in from the provider's own session.
    sam = _sso_only()
    client = _signed_in_by_sso(sam, minutes_ago=0)
    assert _post_new_password(client)["Location"] == SET
    assert not _password_is_set(sam)
    assert "<h1>Sign in again to set a password</h1>" in client.get(SET).content.decode()


def test_straight_after_signing_in_again_the_password_is_set(db):
    sam = _sso_only()
    client = _signed_in_by_sso(sam, minutes_ago=1)
    session = client.session
    session[REAUTHENTICATED_AT] = time.time() - 60  # as sso.admit's check, passed, leaves it
    session.save()
    html = client.get(SET).content.decode()
    assert "<h1>Set a password</h1>" in html and 'name="password1"' in html
    response = _post_new_password(client)
    assert response.status_code == 302
    sam.refresh_from_db()
    assert sam.check_password(NEW)


def test_someone_with_an_app_is_asked_for_its_code_not_sent_to_sign_in(db):
    sam = _sso_only(app=True)
    client = _signed_in_by_sso(sam, minutes_ago=LONG_AGO, with_code=True)
    response = _post_new_password(client)
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/2fa/reauthenticate/?next=%2Faccounts%2Fpassword%2Fset%2F",
    )
    assert not _password_is_set(sam)
    # Single sign-on moments ago is not enough for someone with an app: only its code is.
    client = _signed_in_by_sso(sam, minutes_ago=1)
    assert client.get(SET)["Location"].startswith("/accounts/2fa/reauthenticate/")


def test_a_walk_up_session_cannot_swap_an_hr_officers_second_factor(db):
    hana = _sso_only("hana.hr@example.nhs.uk", hr=True, app=True)
    client = _signed_in_by_sso(hana, minutes_ago=LONG_AGO, with_code=True)
    assert client.get("/hr/roles/").status_code == 200  # the session holds the officer's role
    _post_new_password(client)
    client.post("/accounts/reauthenticate/", {"password": NEW})
    client.post("/accounts/2fa/totp/deactivate/")
    assert not _password_is_set(hana)
    assert Authenticator.objects.filter(user=hana, type=Authenticator.Type.TOTP).exists()


def test_the_apps_code_opens_the_page_and_setting_the_password_ends_other_sessions(db):
    hana = _sso_only("hana.hr@example.nhs.uk", hr=True, app=True)
    elsewhere = _signed_in_by_sso(hana, minutes_ago=1, with_code=True)
    assert elsewhere.get("/hr/roles/").status_code == 200
    client = _signed_in_by_sso(hana, minutes_ago=LONG_AGO, with_code=True)
    entered = client.post(f"/accounts/2fa/reauthenticate/?next={SET}", {"code": factories.totp_code(SECRET)})
    assert entered["Location"] == SET
    assert 'name="password1"' in client.get(SET).content.decode()
    assert _post_new_password(client).status_code == 302
    hana.refresh_from_db()
    assert hana.check_password(NEW)
    assert client.get("/hr/roles/").status_code == 200  # the session that set it goes on
    assert elsewhere.get("/hr/roles/")["Location"].startswith("/accounts/login/")  # every other one has ended


@pytest.mark.parametrize("minutes_ago", [1, LONG_AGO])
def test_someone_with_a_password_is_still_sent_to_change_it(db, minutes_ago):
    person = factories.make_user(email="pat.pw@example.nhs.uk")
    factories.make_staff(user=person)
    client = factories.sign_in(Client(), person)
    assert client.get(SET)["Location"] == "/accounts/password/change/"
