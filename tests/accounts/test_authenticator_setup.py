"""Setting up an authenticator app: no second password straight after signing in, and the person ends where they
were going (portal.accounts.adapter.AccountAdapter.is_reauthentication_required, portal.accounts.views_mfa)."""

import time

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

from portal.people.roles import hr_group
from tests import factories

ACTIVATE = "/accounts/2fa/totp/activate/"
CODES = "/accounts/2fa/recovery-codes/"


def _code(secret) -> str:
    return factories.totp_code(secret)


@pytest.fixture
def hr(db):
    person = factories.make_user(email="hana.hr@example.nhs.uk")
    person.groups.add(hr_group())
    return person


def _sign_in_minutes_ago(client, user, minutes):
    factories.sign_in(client, user)
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] = time.time() - minutes * 60
    session.save()


def test_the_password_just_typed_is_enough_to_set_up_an_app(client, hr):
    factories.sign_in(client, hr)
    assert client.get("/hr/reports/")["Location"] == f"{ACTIVATE}?next=%2Fhr%2Freports%2F"
    response = client.get(f"{ACTIVATE}?next=%2Fhr%2Freports%2F")
    assert response.status_code == 200 and "Set up an authenticator app" in response.content.decode()
    assert '<input type="hidden" name="next" value="/hr/reports/">' in response.content.decode()


def test_a_sign_in_older_than_the_timeout_is_asked_to_confirm(client, hr):
    _sign_in_minutes_ago(client, hr, account_settings.REAUTHENTICATION_TIMEOUT / 60 + 1)
    assert client.get(ACTIVATE)["Location"].startswith("/accounts/reauthenticate/")


def test_a_session_with_no_password_or_code_typed_is_asked_to_confirm(client, hr):
    client.force_login(hr)  # no authentication record at all, as a side door would leave it
    response = client.get(ACTIVATE)
    assert response.status_code == 302  # allauth sends it to sign in again
    assert response["Location"].startswith(("/accounts/reauthenticate/", "/accounts/login/"))


@pytest.mark.django_db(transaction=True)  # allauth announces a new authenticator on commit, as in production
def test_after_the_codes_the_person_continues_to_the_page_they_wanted(client):
    person = factories.make_user()
    person.groups.add(hr_group())
    factories.sign_in(client, person)
    client.get(f"{ACTIVATE}?next=%2Fhr%2Freports%2F")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE, {"code": _code(secret), "next": "/hr/reports/"})
    assert response["Location"] == f"{CODES}?next=%2Fhr%2Freports%2F"
    codes = Authenticator.objects.get(user=person, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    html = client.get(response["Location"]).content.decode()
    assert all(f"<li><code>{code}</code></li>" in html for code in codes)  # on screen, to write down
    assert "Your recovery codes" in html and '<a class="nhsuk-button" href="/hr/reports/">Continue</a>' in html
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert client.get("/hr/reports/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_next_that_leaves_the_portal_is_dropped(client):
    person = factories.make_user()
    factories.sign_in(client, person)
    client.get(ACTIVATE)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE, {"code": _code(secret), "next": "https://evil.example/steal"})
    assert response["Location"] == CODES
    assert "evil.example" not in client.get(f"{CODES}?next=https://evil.example/").content.decode()
