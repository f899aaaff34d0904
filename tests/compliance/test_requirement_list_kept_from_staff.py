"""HR's requirements page marks a requirement whose page the CMS keeps from the staff asked: a password, or certain
groups only, set on the page or on a page above it (its Privacy). The CMS refuses such a setting on a page a
requirement in use names (tests/modules/test_cms_privacy_requirement.py), but one set before that, or made on the
rows themselves, went on keeping staff out with nobody told: staff were reminded and escalated for a module they
could not open. The restrictions here are made as rows, as such a setting from before would be."""

from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from portal.compliance.models import Requirement
from portal.people.roles import hr_group
from tests import factories

TAG = "Kept from staff in the CMS"


@pytest.fixture
def hr(db, client):
    user = factories.with_mfa(factories.make_user())
    user.groups.add(hr_group())
    return factories.sign_in(client, user)


def _listed(hr) -> str:
    return " ".join(unescape(hr.get(reverse("requirements:list")).content.decode()).split())


def test_a_password_on_the_module_itself_is_named(hr, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    assert TAG not in _listed(hr)

    PageViewRestriction.objects.create(page=module_page, restriction_type=PageViewRestriction.PASSWORD, password="x")

    page = _listed(hr)
    assert page.count(TAG) == 1
    assert (
        f"“{module_page.title}” is kept behind a password in the CMS: staff asked to do it who have not been given it "
        "could not open it. Ask a CMS editor to set the Privacy to “Private, accessible to any logged-in users”"
    ) in page


def test_certain_groups_only_on_a_page_above_is_named_with_that_page(hr, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    above = module_page.get_parent()
    restriction = PageViewRestriction.objects.create(page=above, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Editors only"))

    page = _listed(hr)
    assert TAG in page
    assert (
        f"“{module_page.title}” is kept for certain groups only in the CMS (set on “{above.title}”, above it)" in page
    )


@pytest.mark.parametrize("active", [True, False], ids=["in use", "retired"])
def test_any_logged_in_user_or_a_retired_requirement_is_not_marked(hr, module_page, active):
    """Everyone signs in to the portal, so "any logged-in users" keeps nobody out; a retired requirement asks no one."""
    factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page, active=active
    )
    kind = PageViewRestriction.LOGIN if active else PageViewRestriction.PASSWORD
    PageViewRestriction.objects.create(page=module_page, restriction_type=kind, password="x")
    assert TAG not in _listed(hr)


def test_a_page_beside_the_restricted_one_is_not_marked(hr, policy, module_page):
    other = factories.make_module(policy=policy, title="Another module")
    factories.make_requirement(name="Another module", kind=Requirement.COMPLETE_MODULE, page=other)
    PageViewRestriction.objects.create(page=module_page, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert TAG not in _listed(hr)
