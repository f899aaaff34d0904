"""Unpublishing a module or a policy that a requirement names is allowed (it is how a page is taken off the site), but
the requirement still asks staff to do it: the editor is told so beside "Page unpublished" (and after a bulk
unpublish), and HR's requirements page marks it "Not on the site" whichever door took it off. Before, nobody was
told: staff saw "The module is not available yet" and went on being reminded of it."""

from html import unescape

from django.urls import reverse

from portal.compliance.models import Requirement
from portal.people.roles import hr_group
from tests import factories


def _hr_client(client):
    hr = factories.with_mfa(factories.make_user())
    hr.groups.add(hr_group())
    return factories.sign_in(client, hr)


def test_unpublishing_names_the_requirements_still_asking(cms, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    factories.make_requirement(name="Old module", kind=Requirement.COMPLETE_MODULE, page=module_page, active=False)

    url = reverse("wagtailadmin_pages:unpublish", args=[module_page.pk])
    shown = unescape(cms.post(url, follow=True).content.decode())

    module_page.refresh_from_db()
    assert not module_page.live  # warned, not refused
    assert "Staff are still asked to do “Social media module”: it names this page or a page below it." in shown
    assert "Old module" not in shown  # retired: it asks nothing
    assert reverse("requirements:list") in shown


def test_a_page_no_requirement_names_is_unpublished_without_a_word(cms, module_page, policy):
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    shown = unescape(
        cms.post(reverse("wagtailadmin_pages:unpublish", args=[module_page.pk]), follow=True).content.decode()
    )
    assert "unpublished" in shown and "Staff are still asked" not in shown  # the policy is still on the site


def test_a_bulk_unpublish_says_it_after(cms, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "unpublish"])
    shown = unescape(cms.post(f"{url}?id={module_page.pk}&next=/cms/", follow=True).content.decode())
    module_page.refresh_from_db()
    assert not module_page.live
    assert "Staff are still asked to do “Social media module”" in shown


def test_hr_sees_a_requirement_whose_page_is_off_the_site(client, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    hr = _hr_client(client)
    assert "Not on the site" not in hr.get(reverse("requirements:list")).content.decode()

    module_page.unpublish()  # any door: the page's Unpublish, the admin API, an expiry date

    page = hr.get(reverse("requirements:list")).content.decode()
    assert "Not on the site" in page
    assert (
        f"{module_page.title} is unpublished, and staff are still asked to do this (they see it as not available "
        "yet, and nobody is reminded of it until it is published again)." in page
    )
