"""The CMS's Privacy dialog of a page refuses a password, or "certain groups only", on a module or policy that a
requirement in use names, on a page above one (the module index), or on the original of an alias one is named by,
naming the requirements and what to do; "any logged-in users" is allowed (everyone signs in to the portal anyway).
Before, the restriction was saved with no word to the editor, and the staff asked to do the module were kept out of
it, reminded and escalated with nothing to tell them why. The other way round, a requirement is refused a page
already restricted so (tests/compliance/test_requirement_page_restricted.py)."""

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from portal.compliance.models import Requirement
from tests import factories
from tests.modules.test_module_alias import old_alias


@pytest.fixture
def asked(module_page):
    return factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)


@pytest.fixture
def nurses(db):
    return Group.objects.create(name="Nurses")


def set_privacy(cms, page, restriction_type, **fields) -> dict:
    response = cms.post(
        reverse("wagtailadmin_pages:set_privacy", args=[page.pk]), {"restriction_type": restriction_type, **fields}
    )
    assert response.status_code == 200
    return json.loads(response.content)


def refused(answer: dict) -> bool:
    return answer["step"] == "set_privacy" and "Nothing was changed." in answer["html"]


@pytest.mark.parametrize("where", ["module", "module index"])
@pytest.mark.parametrize("restriction", ["password", "groups"])
def test_a_restriction_shutting_out_the_staff_a_requirement_asks_is_refused(
    cms, module_page, asked, nurses, where, restriction
):
    page = module_page if where == "module" else module_page.get_parent()
    fields = {"password": "ward7"} if restriction == "password" else {"groups": [nurses.pk]}

    answer = set_privacy(cms, page, restriction, **fields)

    assert refused(answer)
    shown = answer["html"]
    assert f"“{page.title}” cannot be kept" in shown
    assert f"“Social media module” (on “{module_page.title}”)" in shown
    assert "Private, accessible to any logged-in users" in shown and "/hr/requirements/" in shown
    assert not PageViewRestriction.objects.exists()


def test_a_restriction_already_there_cannot_be_changed_to_another_that_shuts_staff_out(cms, module_page, asked):
    restriction = PageViewRestriction.objects.create(page=module_page, restriction_type=PageViewRestriction.LOGIN)

    assert refused(set_privacy(cms, module_page, "password", password="ward7"))
    restriction.refresh_from_db()
    assert restriction.restriction_type == PageViewRestriction.LOGIN and restriction.password == ""


def test_any_signed_in_user_is_allowed(cms, module_page, asked):
    answer = set_privacy(cms, module_page.get_parent(), "login")

    assert answer["step"] == "set_privacy_done"
    assert PageViewRestriction.objects.get().page_id == module_page.get_parent().pk


@pytest.mark.parametrize("restriction", ["password", "groups"])
def test_a_page_no_requirement_in_use_names_may_be_restricted(cms, module_page, asked, nurses, restriction):
    asked.active, asked.retired_reason = False, "No longer taught"
    asked.save()
    other = factories.make_module(policy=factories.make_policy(), with_quiz=False)
    fields = {"password": "ward7"} if restriction == "password" else {"groups": [nurses.pk]}

    for page in (module_page, other):
        assert set_privacy(cms, page, restriction, **fields)["step"] == "set_privacy_done"
    assert PageViewRestriction.objects.count() == 2


def test_the_policy_a_requirement_names_is_refused_too(cms, policy):
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)

    assert refused(set_privacy(cms, policy, "password", password="ward7"))
    assert refused(set_privacy(cms, policy.get_parent(), "password", password="ward7"))  # the home page
    assert not PageViewRestriction.objects.exists()


def test_the_original_of_an_alias_a_requirement_names_is_refused(cms, module_page):
    """An alias has its original's privacy, so a password on the original keeps staff out of the alias."""
    alias = old_alias(module_page)  # made, and named, before aliases of a module were refused
    factories.make_requirement(name="Social media (again)", kind=Requirement.COMPLETE_MODULE, page=alias)

    answer = set_privacy(cms, module_page, "password", password="ward7")

    assert refused(answer) and "“Social media (again)”" in answer["html"]
    assert not PageViewRestriction.objects.exists()
