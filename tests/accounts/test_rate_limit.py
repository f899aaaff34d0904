"""Too many failed sign-ins: the person gets a plain page that says to wait and try again, not a bare error."""

from django.core.cache import cache
from django.test import Client

from tests import factories


def test_failed_sign_ins_beyond_the_limit_are_refused_in_the_form(db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    cache.clear()
    factories.make_user(email="ruth@example.nhs.uk")
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": factories.PASSWORD})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and "Too many failed" in html
    assert "_auth_user_id" not in client.session  # even the right password waits
    cache.clear()


def test_too_many_sign_in_requests_get_a_page_that_says_what_to_do(db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "3/m/ip"}
    cache.clear()
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "ruth@example.nhs.uk", "password": "wrong"})
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts" in html and "Wait a few minutes, then try again." in html
    cache.clear()
