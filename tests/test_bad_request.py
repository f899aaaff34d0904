"""A request Django will not read gets the portal's page (portal.errors.bad_request, handler400), not Django's bare
"Bad Request (400)": one for another host name than the portal's (an intranet short name, an old address) links to the
portal's own address; one too big to read says so; each stays a 400, says nothing was saved, and changes nothing."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from portal.errors import bad_request

TITLE = "<title>Error: {} – Staff training and attestation"


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_host_name_that_is_not_the_portals_links_to_the_portals_address(db, settings):
    settings.ALLOWED_HOSTS = ["training.example.nhs.uk"]
    settings.WAGTAILADMIN_BASE_URL = "https://training.example.nhs.uk"

    response = Client().get("/accounts/login/", HTTP_HOST="training")

    page = _text(response)
    assert response.status_code == 400
    assert TITLE.format("this is not the portal's address") in page
    assert '<a href="https://training.example.nhs.uk/">Go to Staff training and attestation</a>' in page
    assert "ALLOWED_HOSTS" not in page and "training.example.nhs.uk'" not in page


def test_a_form_too_big_to_read_is_refused_with_the_portals_page_and_changes_nothing(person):
    before = person.password
    big = {"login": person.email, "password": "x", "note": "y" * 3_000_000}  # over DATA_UPLOAD_MAX_MEMORY_SIZE

    response = Client().post(reverse("account_login"), big)

    page = _text(response)
    assert response.status_code == 400
    assert TITLE.format("the portal could not read what was sent") in page
    assert "more than the portal accepts at once, so nothing has been saved" in page
    person.refresh_from_db()
    assert person.password == before and person.last_login is None


def test_the_page_reads_nothing_from_the_session_or_the_database(db, django_assert_num_queries):
    request = RequestFactory().post("/hr/imports/roster/")
    request.user = SimpleLazyObject(lambda: pytest.fail("the page read who is signed in"))
    with django_assert_num_queries(0):
        response = bad_request(request, exception=None)
    page = _text(response)
    assert response.status_code == 400
    assert "not complete or not in a form the portal can read" in page
    assert '<a href="/">Go to the home page</a>' in page
