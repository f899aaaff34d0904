"""allauth's account-management pages in the portal's words (templates/mfa, templates/account,
templates/socialaccount): each page's heading and title are the portal's, allauth's are gone, and a refusal is an
NHS.UK error summary that says what to do."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.socialaccount.models import SocialAccount

from portal.people.roles import hr_group
from tests import factories

PAGES = [
    ("/accounts/2fa/", "Sign-in security", "Two-Factor Authentication"),
    ("/accounts/2fa/totp/deactivate/", "Turn off your authenticator app", "Deactivate Authenticator App"),
    ("/accounts/2fa/recovery-codes/generate/", "Make new recovery codes", "Recovery Codes"),
    ("/accounts/password/change/", "Change your password", "Change Password"),
    ("/accounts/3rdparty/", "Linked accounts", "Account Connections"),
]


NHSMAIL = {
    "provider_id": "nhsmail",
    "name": "NHSmail",
    "client_id": "portal",
    "secret": "not used",
    "settings": {"server_url": "https://idp.example.nhs.uk"},
}


@pytest.fixture
def person(db):
    user = factories.with_mfa(factories.make_user(email="pat.person@example.nhs.uk"))
    RecoveryCodes.activate(user)
    return user


def _heading_and_title(html: str) -> tuple[str, str]:
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    return " ".join(heading.split()), " ".join(title.split())


@pytest.mark.parametrize(("path", "heading", "allauths"), PAGES)
def test_each_page_has_the_portals_heading_not_allauths(client, person, path, heading, allauths):
    factories.sign_in(client, person)
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert _heading_and_title(html)[0] == heading
    assert _heading_and_title(html)[1].startswith(heading)
    assert allauths not in html


def test_sign_in_security_says_what_is_set_up_and_offers_the_next_step(client, person):
    factories.sign_in(client, person)
    html = client.get("/accounts/2fa/").content.decode()
    assert "Your authenticator app is set up." in html and "You have 10 of 10 left." in html
    assert 'href="/accounts/2fa/totp/deactivate/">Turn off your authenticator app</a>' in html
    assert 'href="/accounts/2fa/recovery-codes/generate/">Make new recovery codes</a>' in html


def test_sign_in_security_without_an_app_offers_to_set_one_up(client, db):
    factories.sign_in(client, factories.make_user())
    html = client.get("/accounts/2fa/").content.decode()
    assert 'href="/accounts/2fa/totp/activate/">Set up an authenticator app</a>' in html
    assert "You have no recovery codes." in html and "Make new recovery codes" not in html


def test_a_refused_turn_off_is_an_error_summary_saying_what_to_do(client, person):
    person.groups.add(hr_group())
    factories.sign_in(client, person, second_factor=False)
    response = client.post("/accounts/2fa/totp/deactivate/")
    html = response.content.decode()
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()
    assert "<title>Error: Turn off your authenticator app" in html
    assert re.search(
        r'nhsuk-error-summary.*<a href="#turn-off">Your role needs an authenticator app, and you signed in '
        r"without a code from it: enter a code from the app before you turn it off</a>",
        html,
        re.S,
    )
    assert 'id="turn-off"' in html  # the summary's link lands on the button


def test_a_wrong_current_password_is_named_in_the_error_summary(client, person):
    factories.sign_in(client, person)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not my password", "password1": "a new long passphrase", "password2": "a new long passphrase"},
    )
    html = response.content.decode()
    assert "<title>Error: Change your password" in html
    assert (
        '<li><a href="#id_oldpassword">'
        "Your current password is not right. Enter the password you sign in with now</a></li>" in html
    )
    assert '<label class="nhsuk-label" for="id_oldpassword">Your current password</label>' in html
    assert person.check_password(factories.PASSWORD)


def test_a_linked_account_is_listed_to_unlink_and_choosing_none_is_named(client, person, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [NHSMAIL]}}
    SocialAccount.objects.create(user=person, provider="nhsmail", uid="sub-123", extra_data={"email": person.email})
    factories.sign_in(client, person)
    html = client.get("/accounts/3rdparty/").content.decode()
    assert re.search(
        r'<input class="nhsuk-radios__input" id="id_account_0" name="account" type="radio" value="\d+">\s*'
        r'<label class="nhsuk-label nhsuk-radios__label" for="id_account_0">NHSmail: [^<]+</label>',
        html,
    )
    assert "Unlink the account" in html
    assert 'action="/accounts/oidc/nhsmail/login/?process=connect"' in html and "Link your NHSmail account" in html

    html = client.post("/accounts/3rdparty/", {}).content.decode()
    assert "<title>Error: Linked accounts" in html
    assert '<li><a href="#id_account_0">Choose the account to unlink</a></li>' in html
    assert SocialAccount.objects.filter(user=person).exists()
