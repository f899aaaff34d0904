"""A form's address opened as a page (a bookmark, the history, a link pasted from the address bar) gets the portal's
page saying what the address is and the way back (portal.errors.MethodNotAllowedPageMiddleware), still a 405 naming
the methods it takes; before, it was an empty page. A client asking for something other than a page gets Django's
empty 405, as before."""

from django.test import Client
from django.urls import reverse

from portal.compliance.models import ReminderLog
from tests import factories

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_forms_address_opened_in_a_browser_says_what_it_is_and_links_back(person, mailoutbox):
    client = factories.sign_in(Client(), person)

    response = client.get(reverse("reports:team_remind"), HTTP_REFERER="http://testserver/team/", **HTML)

    page = _text(response)
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "<title>Error: this address is for sending a form – Staff training and attestation" in page
    assert "nothing has been saved" in page
    assert '<a href="/team/">Go back to the page</a>' in page
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def test_without_a_page_to_go_back_to_it_links_home(person):
    client = factories.sign_in(Client(), person)
    response = client.get(reverse("session_keep"), **HTML)
    assert response.status_code == 405
    assert '<a href="/">Go to the home page</a>' in _text(response)


def test_a_client_not_asking_for_a_page_gets_the_empty_405(person):
    client = factories.sign_in(Client(), person)
    response = client.get(reverse("session_keep"), HTTP_ACCEPT="application/json")
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.content == b""
