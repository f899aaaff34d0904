"""The accessibility statement, privacy notice and cookies page are at fixed addresses anyone can read, signed in or
not (every other page of the portal asks to sign in), as long as they are published; a privacy setting an editor
gives one holds there as on Wagtail's own serving."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from modules.models import ContentPage
from modules.statutory_pages import STATUTORY_PAGES, statutory_pages_create
from tests import factories

ADDRESSES = [
    ("accessibility_statement", "/accessibility-statement/"),
    ("privacy", "/privacy/"),
    ("cookies", "/cookies/"),
]


@pytest.fixture
def statutory(home_page):
    statutory_pages_create(home=home_page)
    return {page.slug: ContentPage.objects.get(slug=page.slug) for page in STATUTORY_PAGES}


def test_the_addresses_are_fixed():
    assert [(name, reverse(name)) for name, _ in ADDRESSES] == ADDRESSES


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
@pytest.mark.parametrize("statutory_page", STATUTORY_PAGES, ids=lambda page: page.slug)
def test_each_page_is_public(client, statutory, statutory_page, signed_in):
    if signed_in:
        factories.sign_in(client, factories.make_staff().user)
    response = client.get(f"/{statutory_page.slug}/")
    assert response.status_code == 200
    assert f"<h1>{statutory_page.title}</h1>" in response.content.decode()


@pytest.mark.parametrize("statutory_page", STATUTORY_PAGES, ids=lambda page: page.slug)
def test_an_unpublished_page_is_not_found(client, statutory, statutory_page):
    statutory[statutory_page.slug].unpublish()
    assert client.get(f"/{statutory_page.slug}/").status_code == 404


@pytest.mark.parametrize("statutory_page", STATUTORY_PAGES, ids=lambda page: page.slug)
def test_a_missing_page_is_not_found(client, home_page, statutory_page):
    assert client.get(f"/{statutory_page.slug}/").status_code == 404


def test_an_editors_privacy_setting_holds_at_the_fixed_address(client, statutory):
    """Before, the statement's own view served the page whatever its privacy, so "Private, for signed-in people"
    let anyone read it at /accessibility-statement/."""
    PageViewRestriction.objects.create(page=statutory["cookies"], restriction_type=PageViewRestriction.LOGIN)

    response = client.get("/cookies/")

    assert response.status_code == 302 and "/cookies/" in response["Location"]
    factories.sign_in(client, factories.make_staff().user)
    assert client.get("/cookies/").status_code == 200


def test_only_get_is_answered(client, statutory):
    assert client.post("/privacy/").status_code == 405
