"""A wrong password or code says what to do, not only that it is wrong (WCAG 2.2 3.3.3): allauth's own words were
"Incorrect code.", "Incorrect password.", "Please type your current password." and "The email address and/or
password you specified are not correct." Each is in the error summary, linking to its box."""

from html import unescape

import pytest
from django.test import Client

from tests import factories

WRONG_CODE = (
    "That code is not right, or has been used already. Enter the 6-digit code your authenticator app shows now, or a "
    "recovery code you have not used"
)
SETUP_WRONG_CODE = "That code is not right. Enter the 6-digit code your authenticator app shows now"


@pytest.fixture
def person(db):
    return factories.make_user(email="priya.shah@example.nhs.uk")


def _page(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_wrong_code_at_sign_in_and_when_confirming_says_to_enter_the_one_shown_now(person):
    factories.with_mfa(person)
    browser = Client()
    assert browser.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD}).status_code == 302
    assert f'<a href="#id_code">{WRONG_CODE}</a>' in _page(
        browser.post("/accounts/2fa/authenticate/", {"code": "000000"})
    )
    signed_in = factories.sign_in(Client(), person)
    assert WRONG_CODE in _page(signed_in.post("/accounts/2fa/reauthenticate/", {"code": "000000"}))


def test_a_wrong_code_when_setting_up_an_app_says_to_enter_the_one_it_shows_now(person):
    browser = factories.sign_in(Client(), person)
    assert browser.get("/accounts/2fa/totp/activate/").status_code == 200
    page = _page(browser.post("/accounts/2fa/totp/activate/", {"code": "000000"}))
    assert f'<a href="#id_code">{SETUP_WRONG_CODE}</a>' in page  # no recovery codes yet: they are made with the app


def test_a_wrong_password_when_confirming_it_is_you_says_which_password(person):
    page = _page(factories.sign_in(Client(), person).post("/accounts/reauthenticate/", {"password": "not mine"}))
    assert '<a href="#id_password">That password is not right. Enter the password you sign in with</a>' in page


def test_a_wrong_password_at_sign_in_says_check_both_or_reset(person):
    page = _page(Client().post("/accounts/login/", {"login": person.email, "password": "not mine"}))
    assert (
        "The email address or password is not right. Check both, or reset your password if you have forgotten it"
        in page
    )
    assert "specified are not correct" not in page
