"""The sign-in pages say what to put in each box left empty (WCAG 2.2 3.3.1, 3.3.3), as every other form in the portal
does: not allauth's "This field is required.", which named no box, and which the error summary of an empty
change-password form listed three times over. Each message is in the NHS.UK error summary once, linking to its box,
and again above the box."""

import re

import pytest
from django.test import Client

from tests import factories

CODE = "Enter the 6-digit code from your authenticator app, or one of your recovery codes"


def _summary(response) -> list[tuple[str, str]]:
    """The error summary's (box id, message) pairs; each box's id is that of an input on the page, which shows the
    same message above it."""
    page = response.content.decode()
    assert "This field is required" not in page
    summary = page.split('nhsuk-error-summary__list">')[1].split("</ul>")[0]
    pairs = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    for box, message in pairs:
        assert re.search(rf'<input [^>]*id="{box}"', page), box
        assert re.search(rf'id="{box}-error"><span class="nhsuk-u-visually-hidden">Error:</span> {message}<', page)
    return pairs


@pytest.fixture
def person(db):
    return factories.make_user(email="priya.shah@example.nhs.uk")


def test_signing_in_with_both_boxes_empty_names_each(db):
    response = Client().post("/accounts/login/", {"login": "", "password": ""})
    assert response.status_code == 200
    assert _summary(response) == [("id_login", "Enter your email address"), ("id_password", "Enter your password")]


def test_asking_for_a_reset_link_with_no_address_names_the_box(db):
    response = Client().post("/accounts/password/reset/", {"email": ""})
    assert _summary(response) == [("id_email", "Enter your email address")]


def test_changing_a_password_with_the_boxes_empty_names_each_once(person):
    response = factories.sign_in(Client(), person).post("/accounts/password/change/", {})
    assert _summary(response) == [
        ("id_oldpassword", "Enter your current password"),
        ("id_password1", "Enter a new password"),
        ("id_password2", "Enter the new password again"),
    ]


def test_setting_a_first_password_with_the_boxes_empty_names_each(person):
    person.set_unusable_password()
    person.save()
    factories.with_mfa(person)
    browser = factories.sign_in(Client(), person)  # a code from the app just now opens the page
    response = browser.post("/accounts/password/set/", {})
    assert _summary(response) == [
        ("id_password1", "Enter a new password"),
        ("id_password2", "Enter the new password again"),
    ]


def test_confirming_it_is_you_with_the_box_empty_names_it(person):
    browser = factories.sign_in(Client(), person)
    assert _summary(browser.post("/accounts/reauthenticate/", {})) == [("id_password", "Enter your password")]
    factories.with_mfa(person)
    browser = factories.sign_in(Client(), person)
    assert _summary(browser.post("/accounts/2fa/reauthenticate/", {})) == [("id_code", CODE)]


def test_the_code_step_and_setting_up_an_app_name_the_code_box(person):
    browser = Client()
    factories.with_mfa(person)
    assert browser.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD}).status_code == 302
    assert _summary(browser.post("/accounts/2fa/authenticate/", {"code": ""})) == [("id_code", CODE)]

    newcomer = factories.make_user(email="nat.new@example.nhs.uk")
    browser = factories.sign_in(Client(), newcomer)
    assert browser.get("/accounts/2fa/totp/activate/").status_code == 200
    response = browser.post("/accounts/2fa/totp/activate/", {"code": ""})
    assert _summary(response) == [("id_code", "Enter the 6-digit code from your authenticator app")]
