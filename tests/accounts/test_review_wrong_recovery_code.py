"""Review of f74f8ab (a wrong code says what to do). The sign-in's code page says "If you do not have your phone,
enter one of your recovery codes", and takes one in the same box; someone without their phone who mistypes a
recovery code is now told "Enter the 6-digit code your authenticator app shows now": the one thing they cannot do,
and nothing about the recovery code they were typing. It now names both."""

from html import unescape

from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client

from tests import factories


def test_a_mistyped_recovery_code_at_sign_in_is_told_about_recovery_codes_too(db):
    person = factories.with_mfa(factories.make_user(email="priya.shah@example.nhs.uk"))
    RecoveryCodes.activate(person)
    browser = Client()
    assert browser.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD}).status_code == 302
    page = unescape(browser.post("/accounts/2fa/authenticate/", {"code": "a1b2c3d4"}).content.decode())
    assert "If you do not have your phone, enter one of your recovery codes" in page  # what the page offers
    error = page.split('<a href="#id_code">', 1)[1].split("</a>", 1)[0]
    assert "recovery code" in error, error
