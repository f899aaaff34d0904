"""The footer links to the accessibility statement, the privacy notice and the cookies page in the same order on
every page (WCAG 2.2, 3.2.6 consistent help), and not to one that is not there: a page missing, unpublished or moved
to another address has no link, from the moment the change is committed. The footer reads only the cache, so no page
pays a query for it; where the cache does not know, it links to all three rather than leave the accessibility
statement out."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.models import ContentPage
from modules.statutory_pages import statutory_pages_create, statutory_pages_refresh_at_start
from tests import factories

ALL = ["Accessibility statement", "How we use your information", "Cookies", "Check a training certificate"]
LINK = re.compile(r'<a class="nhsuk-footer__list-item-link" href="([^"]+)">([^<]+)</a>')


def _footer_links(client, path="/verify/") -> list[tuple[str, str]]:
    html = client.get(path).content.decode()
    return LINK.findall(html[html.index('<footer class="nhsuk-footer"') :])


def _texts(client, path="/verify/") -> list[str]:
    return [text for _, text in _footer_links(client, path)]


@pytest.fixture
def statutory(home_page, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # as the command's transaction commits
        statutory_pages_create(home=home_page)
    return home_page


def test_every_page_has_the_same_links_in_the_same_order(client, statutory):
    for path in ["/accounts/login/", "/verify/", "/privacy/"]:
        assert _texts(client, path) == ALL, path
    factories.sign_in(client, factories.make_staff().user)
    for path in ["/", "/training/", "/certificates/", "/cookies/", "/no-such-page/"]:
        assert _texts(client, path) == ALL, path


def test_every_link_leads_to_a_page(client, statutory):
    for href, text in _footer_links(client):
        assert client.get(href).status_code == 200, text


def test_a_missing_page_has_no_link(client, statutory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ContentPage.objects.get(slug="privacy").delete()

    assert _texts(client) == ["Accessibility statement", "Cookies", "Check a training certificate"]


def test_a_page_unpublished_loses_its_link_and_gets_it_back_when_published(
    client, statutory, django_capture_on_commit_callbacks
):
    cookies = ContentPage.objects.get(slug="cookies")
    with django_capture_on_commit_callbacks(execute=True):
        cookies.unpublish()

    assert "Cookies" not in _texts(client)
    with django_capture_on_commit_callbacks(execute=True):
        cookies.get_latest_revision().publish()
    assert _texts(client) == ALL


def test_a_page_given_another_address_loses_its_link(client, statutory, django_capture_on_commit_callbacks):
    privacy = ContentPage.objects.get(slug="privacy")
    privacy.slug = "privacy-notice"
    with django_capture_on_commit_callbacks(execute=True):
        privacy.save_revision().publish()

    links = _footer_links(client)

    assert "How we use your information" not in [text for _, text in links]
    for href, text in links:
        assert client.get(href).status_code == 200, text


def test_until_a_change_is_committed_every_link_stays(client, statutory):
    """A page unpublished in a transaction that may yet be rolled back: meanwhile everyone else still reads it
    published, and the footer keeps all three links."""
    ContentPage.objects.get(slug="cookies").unpublish()  # its transaction (the test's) never commits

    assert _texts(client) == ALL


def test_with_no_page_only_the_certificate_check_is_linked(client, home_page):
    statutory_pages_refresh_at_start()
    assert _footer_links(client) == [("/verify/", "Check a training certificate")]


def test_an_emptied_cache_links_all_three_until_it_learns_again_when_a_page_is_read_or_the_server_starts(
    client, statutory, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ContentPage.objects.get(slug="privacy").delete()
    without_privacy = ["Accessibility statement", "Cookies", "Check a training certificate"]
    cache.clear()
    assert _texts(client) == ALL  # not known: the statutory links are not left out

    client.get("/cookies/")
    assert _texts(client) == without_privacy
    cache.clear()
    statutory_pages_refresh_at_start()
    assert _texts(client) == without_privacy


def test_the_footer_costs_no_query(client, statutory):
    for known in (True, False):
        if not known:
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            _texts(client)
        assert not [query for query in queries.captured_queries if "wagtailcore_page" in query["sql"]], known
