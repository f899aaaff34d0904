"""The password reset page cannot flood someone's inbox: five links an hour per address (ACCOUNT_RATE_LIMITS
"reset_password"), where allauth's default let anyone send five a minute, 300 an hour, to a colleague. The sixth in
the hour gets the 429 page in words for a reset (links may have been sent, the newest works, look in the junk folder,
try again in an hour), not the sign-in pause's, and no email; another address is not held up."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from tests import factories

RESET = "/accounts/password/reset/"
TEN_MINUTES = datetime.timedelta(minutes=10)


@pytest.fixture
def ruth(db):
    user = factories.make_user(email="ruth.reed@example.nhs.uk")
    factories.make_staff(user=user)
    return user


def _opened() -> Client:
    """A browser on the reset page, opened before the clock is frozen: the first request loads the URLs, whose API
    schemas (pydantic) cannot be built around freezegun's dates."""
    client = Client()
    assert client.get(RESET).status_code == 200
    return client


def _sent_to(mailoutbox, user) -> int:
    return sum(1 for message in mailoutbox if message.to == [user.email])


def test_a_sixth_link_within_the_hour_is_refused_in_words_for_a_reset(production_rate_limits, ruth, mailoutbox):
    client = _opened()
    with freeze_time(timezone.now()) as clock:
        for _ in range(5):  # ten minutes apart: allauth's default (five a minute) let all these and more through
            assert client.post(RESET, {"email": ruth.email})["Location"] == "/accounts/password/reset/done/"
            clock.tick(TEN_MINUTES)
        assert _sent_to(mailoutbox, ruth) == 5

        response = client.post(RESET, {"email": "Ruth.Reed@example.nhs.uk"})  # the address counts whatever its case
        assert response.status_code == 429 and _sent_to(mailoutbox, ruth) == 5
        page = response.content.decode()
        assert "Too many password reset emails" in page
        assert "use the newest link" in page and "junk" in page and "try again in an hour" in page
        assert "signing in is paused" not in page

        other = factories.make_user(email="omar.other@example.nhs.uk")
        factories.make_staff(user=other)
        assert client.post(RESET, {"email": other.email})["Location"] == "/accounts/password/reset/done/"
        assert _sent_to(mailoutbox, other) == 1

        clock.tick(TEN_MINUTES + datetime.timedelta(seconds=1))  # an hour since the first link
        assert client.post(RESET, {"email": ruth.email})["Location"] == "/accounts/password/reset/done/"
        assert _sent_to(mailoutbox, ruth) == 6


def test_an_address_without_an_account_is_held_to_the_same_limit_and_told_the_same(production_rate_limits, db):
    """Whether the address has an account is not told by the limit, nor by the page's words."""
    client = _opened()
    with freeze_time(timezone.now()) as clock:
        for _ in range(5):
            assert client.post(RESET, {"email": "nobody@example.nhs.uk"}).status_code == 302
            clock.tick(TEN_MINUTES)
        response = client.post(RESET, {"email": "nobody@example.nhs.uk"})
    assert response.status_code == 429 and "Too many password reset emails" in response.content.decode()
