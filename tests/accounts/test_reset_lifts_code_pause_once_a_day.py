"""A password reset lifts the pause on wrong authenticator codes at most once a day per person. Thirty wrong codes an
hour pause the second step (allauth's `login_failed`); a reset, which proves the person reads their email, lifted the
pause every time, so whoever had their password and their mailbox got thirty more guesses per reset, five resets a
minute: the six-digit second factor in about a day. The first reset of the day still lets the person in at once."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from portal.people.roles import hr_group
from tests import factories

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
IP = "10.20.30.40"
NEW_PASSWORD = "a brand new long passphrase"

pytestmark = pytest.mark.usefixtures("production_rate_limits")


@pytest.fixture
def hr_officer(person):
    person.groups.add(hr_group())
    return factories.with_mfa(person, SECRET)


def codes_paused(person, password=factories.PASSWORD) -> None:
    """Someone with the password types thirty wrong codes."""
    guesser = Client()
    guesser.post("/accounts/login/", {"login": person.email, "password": password}, REMOTE_ADDR=IP)
    assert guesser.get("/accounts/2fa/authenticate/").status_code == 200  # at the code step
    for _ in range(30):
        guesser.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR=IP)


def reset(person, mailoutbox, password: str) -> None:
    mailoutbox.clear()
    browser = Client()
    browser.post("/accounts/password/reset/", {"email": person.email}, REMOTE_ADDR=IP)
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/key/" in line)
    form_url = browser.get(link.strip().removeprefix(settings.WAGTAILADMIN_BASE_URL), REMOTE_ADDR=IP)["Location"]
    browser.post(form_url, {"password1": password, "password2": password}, REMOTE_ADDR=IP)
    person.refresh_from_db()
    assert person.check_password(password)


def right_code(person, password: str) -> tuple[bool, str]:
    """The person signs in with their password and the code their app shows: (signed in, the page)."""
    browser = Client()
    browser.post("/accounts/login/", {"login": person.email, "password": password}, REMOTE_ADDR=IP)
    response = browser.post("/accounts/2fa/authenticate/", {"code": factories.totp_code(SECRET)}, REMOTE_ADDR=IP)
    return "_auth_user_id" in browser.session, response.content.decode()


def test_the_first_reset_lifts_the_pause_and_a_second_the_same_day_does_not(hr_officer, mailoutbox):
    codes_paused(hr_officer)
    reset(hr_officer, mailoutbox, NEW_PASSWORD)
    assert right_code(hr_officer, NEW_PASSWORD)[0]

    codes_paused(hr_officer, NEW_PASSWORD)
    reset(hr_officer, mailoutbox, "another long passphrase")
    signed_in, page = right_code(hr_officer, "another long passphrase")
    assert not signed_in and "Too many failed attempts" in page


def test_a_reset_the_next_day_lifts_it_again(hr_officer, mailoutbox, monkeypatch):
    codes_paused(hr_officer)
    reset(hr_officer, mailoutbox, NEW_PASSWORD)
    codes_paused(hr_officer, NEW_PASSWORD)

    tomorrow = timezone.now() + datetime.timedelta(days=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    reset(hr_officer, mailoutbox, "another long passphrase")

    assert right_code(hr_officer, "another long passphrase")[0]
