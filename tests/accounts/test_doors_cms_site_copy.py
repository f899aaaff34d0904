"""A site copied in the CMS is a new one, made by the add page: the copy page (/cms/sites/copy/<id>/) only shows the
form, filled in, and sends it there. Before, a form sent back to the copy page itself was saved over the site being
copied (Wagtail's copy view edits the original it was filled from): its hostname and root page changed, so the portal
was served from another page, by someone allowed only to add sites and view them, and logged as an addition."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from wagtail.admin.views.generic.models import CopyViewMixin
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import querydict_from_html

from tests import factories

ADD = "/cms/sites/new/"


@pytest.fixture
def site(home_page):
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def elsewhere(home_page):
    return home_page.add_child(instance=Page(title="Somewhere else", slug="somewhere-else"))


@pytest.fixture
def site_adder(db):
    """May add sites and view them, not change them: not a superuser."""
    group = Group.objects.create(name="Site adders")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=["add_site", "view_site"]),
    )
    user = factories.with_mfa(factories.make_user(email="sid.sites@example.nhs.uk"))
    user.groups.add(group)
    return factories.sign_in(Client(), user)


def _site(site) -> tuple:
    site = Site.objects.get(pk=site.pk)
    return site.hostname, site.port, site.site_name, site.root_page_id, site.is_default_site


def _copy_form(client, site) -> dict:
    """The copy page's own form, as filled from the site."""
    page = client.get(f"/cms/sites/copy/{site.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    forms = re.findall(r"<form\b[^>]*>", html)
    return querydict_from_html(html, form_index=next(i for i, tag in enumerate(forms) if f'action="{ADD}"' in tag))


@pytest.mark.parametrize("who", ["superuser", "site adder"])
def test_a_form_sent_back_to_the_copy_page_changes_nothing(cms, site_adder, site, elsewhere, who):
    client = cms if who == "superuser" else site_adder
    before, sites = _site(site), Site.objects.count()
    data = _copy_form(client, site)
    data["hostname"], data["root_page"] = "portal.elsewhere.example", str(elsewhere.pk)

    response = client.post(f"/cms/sites/copy/{site.pk}/", data)

    assert response.status_code == 405
    assert _site(site) == before
    assert Site.objects.count() == sites


def test_the_copy_page_sends_its_form_to_the_add_page_which_adds_a_site(cms, site, elsewhere):
    assert reverse("wagtailsites:add") == ADD
    data = _copy_form(cms, site)
    data["hostname"], data["root_page"] = "portal.elsewhere.example", str(elsewhere.pk)
    data.pop("is_default_site", None)

    response = cms.post(ADD, data)

    assert response.status_code == 302
    assert Site.objects.filter(hostname="portal.elsewhere.example", root_page=elsewhere).count() == 1
    assert _site(site)[0] == "localhost"


def test_someone_who_is_not_a_cms_editor_is_refused_the_copy_page(person_client, site):
    assert person_client.get(f"/cms/sites/copy/{site.pk}/").status_code == 403


def test_every_copy_page_the_admin_serves_only_shows_its_form():
    """Wagtail's own copy page of a site is still in the URLconf, behind the portal's: what answers at each copy
    address (users, sites, snippets) is a copy view that takes no POST."""

    def copy_routes(patterns, prefix=""):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from copy_routes(pattern.url_patterns, route)
            elif issubclass(getattr(pattern.callback, "view_class", object), CopyViewMixin):
                yield "/" + re.sub(r"<[^>]+>", "1", route)

    served = {path: resolve(path).func.view_class for path in copy_routes(get_resolver().url_patterns)}
    assert "/cms/sites/copy/1/" in served
    assert {path: view for path, view in served.items() if "post" in view.http_method_names} == {}
