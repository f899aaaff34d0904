"""Links in account emails start with PORTAL_BASE_URL, never with the host a request came in on: a password-reset
request sent with another Host header (one of several in ALLOWED_HOSTS, an internal name, a proxy's) must not mail
the person a link to that host, where whoever controls it would read the reset key."""

import re

import pytest
from allauth.core import context
from django.test import override_settings

from portal.accounts import ratelimits
from tests import factories

BASE = "https://training.example.nhs.uk"


@pytest.fixture
def person(db):
    return factories.make_user(email="pat.reset@example.nhs.uk")


@override_settings(WAGTAILADMIN_BASE_URL=BASE, ALLOWED_HOSTS=["*"])
def test_the_reset_link_starts_with_the_portals_address_whatever_the_host_header(client, person, mailoutbox):
    client.post("/accounts/password/reset/", {"email": person.email}, HTTP_HOST="evil.example.com")
    (message,) = mailoutbox
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith(f"{BASE}/") for link in links), links
    assert "evil.example.com" not in message.body
    key_path = re.search(rf"{re.escape(BASE)}(/accounts/password/reset/key/\S+)", message.body).group(1)
    assert client.get(key_path, follow=True).status_code == 200


@override_settings(WAGTAILADMIN_BASE_URL=BASE, ALLOWED_HOSTS=["*"])
def test_the_sign_in_limit_warning_links_to_the_portals_reset_page(rf, person, mailoutbox):
    request = rf.post("/accounts/login/", HTTP_HOST="evil.example.com")
    request.session = {}
    with context.request_context(request):  # as allauth's middleware sets it for a real request
        ratelimits.warn_account_holder(request, user=person)
    (message,) = mailoutbox
    assert f"{BASE}/accounts/password/reset/" in message.body and "evil.example.com" not in message.body


@override_settings(WAGTAILADMIN_BASE_URL=BASE, ALLOWED_HOSTS=["*"])
def test_a_reset_asked_for_an_address_with_no_account_sends_nothing(client, db, mailoutbox):
    """allauth would mail the address an invitation to sign up (which the portal refuses), linked to the request's
    host: anyone could send it to any address, pointing anywhere ALLOWED_HOSTS lets in."""
    asked = {"email": "nobody@example.nhs.uk"}
    response = client.post("/accounts/password/reset/", asked, HTTP_HOST="evil.example.com")
    assert response.status_code == 302  # the same answer as for an address with an account: it says nothing
    assert mailoutbox == []
