"""A new starter's invitation says how they will sign in. With password sign-in turned off (PORTAL_PASSWORD_LOGIN
false, single sign-on on) it asked them to "set a password for your account here": they did, and the sign-in page
refused that password to everyone but a superuser. Now it sends them to the sign-in page's "Sign in with NHSmail"
button and offers no password link; with both ways on, it names both. The invitation is plain text, and was escaped as
HTML: "Dear D&#x27;Arcy", from "Barts &amp; The London"."""

import pytest

from portal.people.emails import invitation_send
from tests import factories

SIGN_IN = "https://training.example.nhs.uk/accounts/login/"


def _single_sign_on(settings, *, passwords: bool) -> None:
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"  # what PORTAL_BASE_URL sets
    settings.PORTAL_PASSWORD_LOGIN = passwords
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [{"provider_id": "nhsmail", "name": "NHSmail", "client_id": "c", "secret": "s", "settings": {}}],
        }
    }


@pytest.fixture
def new_starter(db):
    user = factories.make_user(email="priya.shah@example.nhs.uk", first_name="Priya", last_name="Shah")
    return factories.make_staff(user=user)


def test_with_passwords_off_the_invitation_sends_them_to_single_sign_on(settings, new_starter, mailoutbox):
    _single_sign_on(settings, passwords=False)
    invitation_send(new_starter)
    [email] = mailoutbox
    assert "/accounts/password/reset/key/" not in email.body
    assert "password for your account" not in email.body
    assert 'choose "Sign in with NHSmail"' in email.body
    assert SIGN_IN in email.body
    assert "priya.shah@example.nhs.uk" in email.body


def test_with_both_ways_on_the_invitation_names_both(settings, new_starter, mailoutbox):
    _single_sign_on(settings, passwords=True)
    invitation_send(new_starter)
    [email] = mailoutbox
    assert "/accounts/password/reset/key/" in email.body
    assert 'choose "Sign in with NHSmail"' in email.body


def test_the_password_link_says_how_long_it_works_and_what_to_do_after(settings, new_starter, mailoutbox):
    """A new starter away for a long weekend found "This link has expired or been used" with nothing in the email to
    say it would: Django's reset links last PASSWORD_RESET_TIMEOUT (three days)."""
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    invitation_send(new_starter)
    [email] = mailoutbox
    assert "Set a password for your account here (the link works once, for 3 days):" in email.body
    assert f'After that, choose "I have forgotten my password" at {SIGN_IN} for a new link.' in email.body


def test_without_single_sign_on_the_invitation_is_a_password_link(settings, new_starter, mailoutbox):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
    invitation_send(new_starter)
    [email] = mailoutbox
    assert "Set a password for your account here (the link works once" in email.body
    assert "/accounts/password/reset/key/" in email.body
    assert "Sign in with" not in email.body


@pytest.fixture
def apostrophe(db):
    user = factories.make_user(email="d.oconnor@example.nhs.uk", first_name="D'Arcy", last_name="O'Connor")
    return factories.make_staff(user=user)


def test_names_are_written_as_they_are(settings, apostrophe, mailoutbox):
    settings.PORTAL_ORGANISATION_NAME = "Barts & The London NHS Trust"
    invitation_send(apostrophe)
    [email] = mailoutbox
    assert email.body.startswith("Dear D'Arcy,\n\nBarts & The London NHS Trust uses the staff training")
