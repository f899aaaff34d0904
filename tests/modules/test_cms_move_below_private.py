"""A module that a requirement in use names (or a page holding one) is not moved below a page kept behind a password,
or for certain groups only: the move page, the page listing's bulk move and the admin API's move refuse it, naming
the requirement and the page the privacy is set on, and move nothing. Before, the move was made with no word, and
the staff asked were kept out of the module as surely as by setting its own privacy, which the Privacy dialog
refuses (tests/modules/test_cms_privacy_requirement.py). A move below a page for any logged-in user, or of a module
no requirement names, is made as before."""

import json
from html import unescape

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from modules.models import ModuleIndexPage
from portal.compliance.models import Requirement
from tests import factories


@pytest.fixture
def asked(module_page):
    return factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)


def index_kept(home_page, restriction_type, **fields):
    index = home_page.add_child(instance=ModuleIndexPage(title="Theatres only", slug="theatres-only"))
    PageViewRestriction.objects.create(page=index, restriction_type=restriction_type, **fields)
    return index


@pytest.fixture
def behind_a_password(home_page):
    return index_kept(home_page, PageViewRestriction.PASSWORD, password="theatre-3")


def move(cms, page, destination) -> str:
    url = reverse("wagtailadmin_pages:move_confirm", args=[page.pk, destination.pk])
    return unescape(cms.post(url, follow=True).content.decode())


def bulk_move(cms, page, destination) -> str:
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "move"])
    response = cms.post(f"{url}?id={page.pk}&next=/cms/", {"chooser": destination.pk}, follow=True)
    return unescape(response.content.decode())


def api_move(cms, page, destination):
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "move"])
    data = {"destination_page_id": destination.pk, "position": "last-child"}
    return cms.post(url, data=json.dumps(data), content_type="application/json")


def parent_of(page):
    return type(page).objects.get(pk=page.pk).get_parent().pk


REFUSED = "cannot be moved below “Theatres only”: “Theatres only” is kept behind a password (its Privacy)"


@pytest.mark.parametrize("door", [move, bulk_move])
def test_the_cms_refuses_to_move_a_module_asked_for_below_a_page_behind_a_password(
    cms, module_page, asked, behind_a_password, door
):
    before = parent_of(module_page)

    shown = door(cms, module_page, behind_a_password)

    assert f"“{module_page.title}” {REFUSED}" in shown
    assert f"“Social media module” (on “{module_page.title}”)" in shown and "Nothing was moved." in shown
    assert parent_of(module_page) == before


def test_the_admin_api_refuses_it_too(cms, module_page, asked, behind_a_password):
    before = parent_of(module_page)

    response = api_move(cms, module_page, behind_a_password)

    assert response.status_code == 400
    assert REFUSED in response.json()["message"]
    assert parent_of(module_page) == before


def test_a_page_for_certain_groups_only_is_refused_as_well(cms, home_page, module_page, asked):
    from django.contrib.auth.models import Group

    theatres = index_kept(home_page, PageViewRestriction.GROUPS)
    theatres.view_restrictions.get().groups.add(Group.objects.create(name="Theatre staff"))

    assert "is kept for certain groups only (its Privacy)" in move(cms, module_page, theatres)
    assert parent_of(module_page) != theatres.pk


def test_a_move_below_a_page_for_any_logged_in_user_is_made(cms, home_page, module_page, asked):
    signed_in = index_kept(home_page, PageViewRestriction.LOGIN)

    move(cms, module_page, signed_in)

    assert parent_of(module_page) == signed_in.pk


@pytest.mark.parametrize("door", [move, bulk_move, api_move])
def test_a_module_no_requirement_in_use_names_is_moved(cms, module_page, behind_a_password, door):
    door(cms, module_page, behind_a_password)

    assert parent_of(module_page) == behind_a_password.pk


def test_a_restriction_already_keeping_the_page_is_not_held_against_a_move(cms, module_page, asked):
    """Kept so before the CMS refused it: reordering the module within its index leaves staff as they were."""
    index = module_page.get_parent()
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.PASSWORD, password="s3")
    other = factories.make_module(policy=module_page.policy, with_quiz=False)

    url = reverse("wagtailadmin_api:pages:action", args=[module_page.pk, "move"])
    response = cms.post(
        url, data=json.dumps({"destination_page_id": other.pk, "position": "right"}), content_type="application/json"
    )

    assert response.status_code == 200
    assert parent_of(module_page) == index.pk
    assert [page.pk for page in index.get_children()][-1] == module_page.pk
