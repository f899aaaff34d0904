"""A form refused for its security token (CSRF) gets the portal's page (portal.errors.csrf_failure): it says that
nothing was saved and how to send the form again, links back to the page the form was on, and stays a 403. The three
ways staff meet it, each through the portal's real sign-in: a tab opened before signing in again in another, a sign-in
page left open in a second tab, and a browser that refuses cookies."""

import re

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from portal.audit.models import AuditEvent
from portal.errors import csrf_failure
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories
from tests.modules.test_views import answers_for

HOST = "testserver"


def _token(page) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


def _sign_in(client, user) -> None:
    """Sign in as a person does, through the sign-in form (which gives the browser a new token)."""
    token = _token(client.get(reverse("account_login")))
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302, response.content.decode()[:500]


def _sign_out(client) -> None:
    token = _token(client.get(reverse("reports:my_training")))
    assert client.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _assert_refused_with_the_portals_page(response, *, back: str) -> str:
    page = _text(response)
    assert response.status_code == 403
    assert "<title>Error: your form was not sent – Staff training and attestation" in page
    assert "nothing you entered on it has been saved" in page
    assert "use its back button to return to the page, check your answers and send the form again" in page
    assert f'If they have gone, <a href="{back}">open the page again</a>' in page
    assert "CSRF" not in page and "Forbidden" not in page  # not Django's page, nor its reason
    return page


@pytest.fixture
def attempt(person, module_page):
    factories.make_staff(user=person)
    return attempt_start(user=person, quiz=module_page.quiz, page=module_page)


def test_a_quiz_sent_from_a_tab_opened_before_signing_in_again_is_refused_and_can_be_sent_again(person, attempt):
    tab = Client(enforce_csrf_checks=True)  # the browser: its tabs share its cookies
    _sign_in(tab, person)
    url = reverse("modules:attempt", args=[attempt.pk])
    old_token = _token(tab.get(url))
    _sign_out(tab)  # in another tab, then signing in again there
    _sign_in(tab, person)

    refused = tab.post(
        url, {**answers_for(attempt), "csrfmiddlewaretoken": old_token}, HTTP_REFERER=f"http://{HOST}{url}"
    )

    _assert_refused_with_the_portals_page(refused, back=url)
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None  # nothing recorded
    # The way on the page gives: open the quiz again, and its form is sent.
    fresh_token = _token(tab.get(url))
    sent = tab.post(url, {**answers_for(attempt), "csrfmiddlewaretoken": fresh_token})
    assert sent.status_code == 302
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is not None


def test_a_second_sign_in_page_sent_after_signing_in_on_the_first_links_back_to_it(person):
    browser = Client(enforce_csrf_checks=True)
    login = reverse("account_login")
    second_tab_token = _token(browser.get(login))
    _sign_in(browser, person)  # the first tab

    refused = browser.post(
        login,
        {"login": person.email, "password": factories.PASSWORD, "csrfmiddlewaretoken": second_tab_token},
        HTTP_REFERER=f"http://{HOST}{login}",
    )

    _assert_refused_with_the_portals_page(refused, back=login)
    assert browser.get(login).status_code == 302  # going back: already signed in, sent on


def test_a_browser_refusing_cookies_is_told_to_allow_them(person):
    browser = Client(enforce_csrf_checks=True)
    token = _token(browser.get(reverse("account_login")))
    browser.cookies.clear()  # the browser kept none of them

    refused = browser.post(reverse("account_login"), {"login": person.email, "csrfmiddlewaretoken": token})

    page = _text(refused)
    assert refused.status_code == 403
    assert "Allow cookies for this site" in page
    assert '<a href="/">Go back to the page</a>' in page  # no Referer: the home page


@pytest.mark.parametrize(
    "referer", ["", "https://elsewhere.example.com/team/", "javascript:alert(1)", "//elsewhere.example.com/"]
)
def test_the_way_back_is_never_another_site(db, referer):
    request = RequestFactory().post("/team/remind/", HTTP_REFERER=referer)
    request.user = SimpleLazyObject(lambda: pytest.fail("the page read who is signed in"))
    page = _text(csrf_failure(request, reason=REASON_CSRF_TOKEN_MISSING))
    assert '<a href="/">' in page and "elsewhere" not in page and "javascript:" not in page


@pytest.mark.parametrize("reason", [REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING])
def test_the_page_reads_nothing_from_the_session_or_the_database(person, django_assert_num_queries, reason):
    client = factories.sign_in(Client(), person)
    request = RequestFactory().post("/learn/attempts/1/", HTTP_REFERER=f"http://{HOST}/learn/attempts/1/?a=b")
    request.session = SessionStore(client.session.session_key)  # a signed-in session, not yet read
    request.user = SimpleLazyObject(lambda: get_user(request))
    with django_assert_num_queries(0):
        response = csrf_failure(request, reason=reason)
    page = _text(response)
    assert response.status_code == 403
    assert '<a href="/learn/attempts/1/?a=b">' in page
    assert "Sign out" not in page and person.email not in page  # drawn as for someone signed out


def test_a_form_refused_for_its_token_is_not_written_to_the_audit_as_a_page_refused(person):
    """The audit's refused pages are for someone trying a page or record they may not see; a tab older than the
    latest sign-in is not that, and a forged request is not the act of the person it was sent as (Django's
    django.security.csrf logger records it). A page truly refused to the same person is still written."""
    factories.make_staff(user=person)
    requirement = factories.make_requirement()
    tab = Client(enforce_csrf_checks=True)
    _sign_in(tab, person)

    attesting = tab.post(reverse("attestation:attest", args=[requirement.pk]), {"confirm": "on"})  # no token at all

    assert attesting.status_code == 403

    assert not AuditEvent.objects.filter(action=AuditEvent.REFUSED).exists()
    assert tab.get(reverse("hr_reports:organisation")).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.REFUSED, actor=person).count() == 1
