"""The warning that someone is trying to sign in goes to the account whose address was typed, matched as sign-in
matches it (the lower case of the address), not to another account that PostgreSQL's case-blind comparison (of upper
cases) also matches: guesses at a@ıx.example (a dotless i, as an international domain may have), not an account,
warned the holder of a@ix.example that someone was trying to get into their account."""

import pytest
from allauth.core.context import request_context
from django.test import RequestFactory

from portal.accounts import ratelimits
from tests import factories


@pytest.fixture
def request_():
    request = RequestFactory().post("/accounts/login/")
    request.session = {}
    return request


def test_guesses_at_another_address_warn_nobody(db, request_, mailoutbox):
    factories.make_user(email="a@ix.example")
    with request_context(request_):
        ratelimits.warn_account_holder(request_, email="a@ıx.example")
    assert mailoutbox == []


def test_guesses_at_the_address_in_other_capitals_warn_its_holder(db, request_, mailoutbox):
    factories.make_user(email="alex.able@example.nhs.uk")
    with request_context(request_):
        ratelimits.warn_account_holder(request_, email="Alex.Able@Example.NHS.uk")
    assert [message.to for message in mailoutbox] == [["alex.able@example.nhs.uk"]]
