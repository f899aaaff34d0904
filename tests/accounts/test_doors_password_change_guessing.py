"""The current password typed on the change-password page (/accounts/password/change/) counts as a sign-in's does:
wrong ones towards the same limits (five in five minutes per account from one address, thirty an hour from
everywhere, the holder emailed when that trips), and a right one refused while they hold. The page checked it on its
own, under allauth's five posts a minute alone: a session left open at a ward PC could try 300 passwords an hour
there, none seen by the sign-in's count or its warning to the holder, and the right one set a password of the
guesser's choosing. Test settings turn rate limits off; these turn the portal's own back on."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests import factories

CHANGE = "/accounts/password/change/"
ADDRESS = "203.0.113.9"
NEW = "a brand new passphrase 42"


pytestmark = pytest.mark.usefixtures("production_rate_limits")


def _change(client, old: str):
    return client.post(CHANGE, {"oldpassword": old, "password1": NEW, "password2": NEW}, REMOTE_ADDR=ADDRESS)


def _password_is(user, password: str) -> bool:
    return get_user_model().objects.get(pk=user.pk).check_password(password)


def test_wrong_current_passwords_count_towards_the_sign_in_limit(person):
    client = factories.sign_in(Client(), person)
    for _ in range(5):
        assert "Your current password is not right" in _change(client, "wrong guess").content.decode()
    at_sign_in = Client().post(
        "/accounts/login/", {"login": person.email, "password": factories.PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert "Too many failed attempts" in at_sign_in.content.decode()


def test_once_the_limit_holds_the_right_current_password_changes_nothing(person):
    for _ in range(5):
        Client().post("/accounts/login/", {"login": person.email, "password": "wrong guess"}, REMOTE_ADDR=ADDRESS)
    response = _change(factories.sign_in(Client(), person), factories.PASSWORD)
    assert "Too many failed attempts" in response.content.decode()
    assert _password_is(person, factories.PASSWORD) and not _password_is(person, NEW)


def test_guesses_there_and_at_sign_in_make_one_count_and_the_holder_is_told(person):
    for n in range(26):  # one wrong password from each of 26 addresses: each under its own limit
        Client().post(
            "/accounts/login/", {"login": person.email, "password": f"guess {n}"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
    mail.outbox.clear()
    client = factories.sign_in(Client(), person)
    for _ in range(5):  # the 31st wrong password in the hour, from everywhere, trips the limit
        _change(client, "wrong guess")
    assert [message.to for message in mail.outbox] == [[person.email]]
    assert not _password_is(person, NEW)


def test_the_right_current_password_changes_it_as_before(person):
    response = _change(factories.sign_in(Client(), person), factories.PASSWORD)
    assert response.status_code == 302
    assert _password_is(person, NEW)
