"""Wrong passwords and codes keep guessers out without letting anyone lock a named person out of their account.

Test settings turn rate limits off; each test here turns the portal's own limits (portal/settings/base.py) back on.
"""

import pytest
from django.conf import settings
from django.test import Client

from portal.people.roles import hr_group
from portal.settings import base
from tests import factories
from tests.accounts import test_sso
from tests.accounts.test_sso import new_sub, roster_person, signed_in_as
from tests.accounts.test_sso import sign_in as sso_sign_in

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
LOGIN = "/accounts/login/"

# The single sign-on tests' provider (node's oidc-provider on a loopback port) and its settings.
idp, configure, sso = test_sso.idp, test_sso.configure, test_sso.sso


pytestmark = pytest.mark.usefixtures("production_rate_limits")


def sign_in_attempt(client, email, password, ip):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def refused_as_too_many(response) -> bool:
    return response.status_code == 200 and "Too many failed attempts" in response.content.decode()


def current_code() -> str:
    return factories.totp_code(SECRET)


def test_five_wrong_passwords_from_one_address_do_not_lock_the_person_out_at_their_desk(person):
    attacker = Client()
    for _ in range(5):
        assert not signed_in(attacker) and not refused_as_too_many(
            sign_in_attempt(attacker, person.email, "wrong", "203.0.113.9")
        )
    assert refused_as_too_many(sign_in_attempt(attacker, person.email, "wrong", "203.0.113.9"))

    at_desk = Client()
    sign_in_attempt(at_desk, person.email, factories.PASSWORD, "10.20.30.40")
    assert signed_in(at_desk)


def test_the_guessing_address_waits_even_with_the_right_password(person):
    attacker = Client()
    for _ in range(5):
        sign_in_attempt(attacker, person.email, "wrong", "203.0.113.9")
    assert refused_as_too_many(sign_in_attempt(attacker, person.email, factories.PASSWORD, "203.0.113.9"))
    assert not signed_in(attacker)


def test_an_ipv6_guesser_cannot_step_through_the_addresses_of_its_network(person):
    attacker = Client()
    for host in range(1, 6):
        sign_in_attempt(attacker, person.email, "wrong", f"2001:db8:1:2::{host}")
    assert refused_as_too_many(sign_in_attempt(attacker, person.email, "wrong", "2001:db8:1:2::99"))


def test_guessing_spread_over_many_addresses_stops_at_thirty_and_the_person_is_emailed_once(person, mailoutbox):
    attacker = Client()
    for n in range(30):
        response = sign_in_attempt(attacker, person.email, "wrong", f"198.51.100.{n}")
        assert not refused_as_too_many(response), n
    assert mailoutbox == []

    assert refused_as_too_many(sign_in_attempt(attacker, person.email, factories.PASSWORD, "198.51.100.200"))
    assert not signed_in(attacker)
    sign_in_attempt(attacker, person.email, "wrong", "198.51.100.201")

    assert len(mailoutbox) == 1  # one warning, however long it goes on
    warning = mailoutbox[0]
    assert warning.to == [person.email]
    assert "Someone is trying to sign in" in warning.subject
    assert "198.51.100.200" in warning.body and "Nobody got in" in warning.body
    assert f"{settings.WAGTAILADMIN_BASE_URL}/accounts/password/reset/" in warning.body  # the portal's address


def test_nobody_is_emailed_about_an_address_that_is_not_an_account(db, mailoutbox):
    attacker = Client()
    for n in range(32):
        sign_in_attempt(attacker, "nobody@example.nhs.uk", "wrong", f"198.51.100.{n}")
    assert mailoutbox == []


def test_resetting_the_password_lifts_the_lock_at_once(person, mailoutbox):
    attacker = Client()
    for n in range(31):
        sign_in_attempt(attacker, person.email, "wrong", f"198.51.100.{n}")
    mailoutbox.clear()

    browser = Client()
    browser.post("/accounts/password/reset/", {"email": person.email}, REMOTE_ADDR="10.20.30.40")
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/key/" in line)
    path = link.strip().removeprefix(settings.WAGTAILADMIN_BASE_URL)  # the link is on the portal's own address
    form_url = browser.get(path, REMOTE_ADDR="10.20.30.40")["Location"]
    new_password = "a brand new long passphrase"
    browser.post(form_url, {"password1": new_password, "password2": new_password}, REMOTE_ADDR="10.20.30.40")

    sign_in_attempt(browser, person.email, new_password, "10.20.30.40")
    assert signed_in(browser)


def test_five_wrong_codes_do_not_lock_the_second_step(person):
    person.groups.add(hr_group())
    factories.with_mfa(person, SECRET)
    attacker = Client()
    sign_in_attempt(attacker, person.email, factories.PASSWORD, "203.0.113.9")
    for _ in range(5):
        attacker.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR="203.0.113.9")

    at_desk = Client()
    sign_in_attempt(at_desk, person.email, factories.PASSWORD, "10.20.30.40")
    at_desk.post("/accounts/2fa/authenticate/", {"code": current_code()}, REMOTE_ADDR="10.20.30.40")
    assert signed_in(at_desk)


def test_thirty_wrong_codes_stop_the_second_step_and_tell_the_person_to_change_their_password(person, mailoutbox):
    person.groups.add(hr_group())
    factories.with_mfa(person, SECRET)
    attacker = Client()
    sign_in_attempt(attacker, person.email, factories.PASSWORD, "203.0.113.9")
    for _ in range(30):
        attacker.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR="203.0.113.9")
    assert mailoutbox == []

    refused = attacker.post("/accounts/2fa/authenticate/", {"code": current_code()}, REMOTE_ADDR="203.0.113.9")
    assert "Too many failed attempts" in refused.content.decode() and not signed_in(attacker)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [person.email] and "Change your" in mailoutbox[0].subject
    assert "someone knows your password" in mailoutbox[0].body


def test_single_sign_on_is_never_blocked_by_wrong_passwords(client, sso):
    person = roster_person()
    attacker = Client()
    for n in range(31):
        sign_in_attempt(attacker, person.email, "wrong", f"198.51.100.{n}")
    assert refused_as_too_many(sign_in_attempt(Client(), person.email, factories.PASSWORD, "10.20.30.40"))

    sub = sso.add_account(new_sub(), email=person.email, email_verified=True, name="Priya Shah")
    response, _ = sso_sign_in(client, sso, sub)
    assert response.status_code == 302 and signed_in_as(client) == str(person.pk)


# --- a browser the person has signed in on before -----------------------------------------------------------------


def lock_out_by_guessing_everywhere(email):
    attacker = Client()
    for n in range(31):
        sign_in_attempt(attacker, email, "wrong", f"198.51.100.{n}")
    assert refused_as_too_many(sign_in_attempt(Client(), email, factories.PASSWORD, "198.51.100.250"))


def browser_signed_in_before(person) -> Client:
    desk = Client()
    sign_in_attempt(desk, person.email, factories.PASSWORD, "10.20.30.40")
    assert signed_in(desk)
    desk.post("/accounts/logout/", REMOTE_ADDR="10.20.30.40")
    assert not signed_in(desk)
    return desk


def test_guessing_everywhere_does_not_lock_the_person_out_of_a_browser_they_signed_in_on_before(person):
    desk = browser_signed_in_before(person)
    lock_out_by_guessing_everywhere(person.email)

    sign_in_attempt(desk, person.email, factories.PASSWORD, "10.20.30.40")
    assert signed_in(desk)


def test_the_known_browser_cookie_counts_only_for_the_person_who_signed_in_on_it(person, someone_else):
    desk = browser_signed_in_before(person)
    lock_out_by_guessing_everywhere(someone_else.email)
    assert refused_as_too_many(sign_in_attempt(desk, someone_else.email, factories.PASSWORD, "10.20.30.40"))


def test_a_stolen_known_browser_cookie_buys_ten_guesses_an_hour_then_the_account_limit_applies(person):
    desk = browser_signed_in_before(person)
    lock_out_by_guessing_everywhere(person.email)
    thief = Client()
    thief.cookies = desk.cookies
    for n in range(10):
        assert not refused_as_too_many(sign_in_attempt(thief, person.email, "wrong", f"192.0.2.{n}"))
    assert refused_as_too_many(sign_in_attempt(thief, person.email, factories.PASSWORD, "192.0.2.99"))


def test_a_forged_known_browser_cookie_counts_for_nothing(person):
    lock_out_by_guessing_everywhere(person.email)
    forger = Client()
    forger.cookies["portal_known_device"] = '{"id": "x", "accounts": ["anything"]}'
    assert refused_as_too_many(sign_in_attempt(forger, person.email, factories.PASSWORD, "10.20.30.40"))


def test_wrong_codes_when_asked_to_confirm_it_is_them_count_the_same_and_warn(person, mailoutbox, settings):
    # allauth's page also takes at most ten posts a minute per person: leave that aside, to reach the per-person count.
    settings.ACCOUNT_RATE_LIMITS = {**base.ACCOUNT_RATE_LIMITS, "reauthenticate": ""}
    person.groups.add(hr_group())
    factories.with_mfa(person, SECRET)
    person.refresh_from_db()  # a role change starts a new session epoch
    session = factories.sign_in(Client(), person)
    for _ in range(31):
        response = session.post("/accounts/2fa/reauthenticate/", {"code": "000000"}, REMOTE_ADDR="10.20.30.40")
    assert "Too many failed attempts" in response.content.decode()
    assert len(mailoutbox) == 1 and "Change your" in mailoutbox[0].subject
