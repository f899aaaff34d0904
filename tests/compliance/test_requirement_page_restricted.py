"""A requirement in use is refused a module or policy kept behind a password, or for certain groups only, in the
CMS (its Privacy, on the page or on a page above it): staff asked to do it who were not given the password, or are
not in the groups, could not open it. HR's form, the CMS's snippet form and reinstating a retired requirement say so,
naming the page the privacy is set on and what to do, and save nothing. "Any logged-in users" is allowed. The other
way round, the CMS refuses such a restriction on a page a requirement in use names
(tests/modules/test_cms_privacy_requirement.py)."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from portal.compliance.models import Requirement
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_requirement_admin import editor, editor_client  # noqa: F401 - fixtures
from tests.compliance.test_requirement_page_and_kind import _cms_form
from tests.compliance.test_requirement_pages import _form as hr_form


@pytest.fixture
def hr(db):
    staff = factories.make_staff(team=factories.make_team("Organisation", kind="organisation"))
    staff.user.groups.add(hr_group())
    return factories.sign_in(Client(), factories.with_mfa(staff.user))


def by_password(page):
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3")


def to_nurses(page):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Nurses"))
    return restriction


def add_module_requirement(hr, module):
    return hr.post(
        reverse("requirements:add"),
        hr_form(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=str(module.pk)),
    )


def test_hr_is_refused_a_module_behind_a_password(hr, module_page):
    by_password(module_page)

    response = add_module_requirement(hr, module_page)

    assert response.status_code == 400
    shown = response.content.decode()
    assert f"“{module_page.title}” is kept behind a password in the CMS: staff asked to do it" in shown
    assert "Private, accessible to any logged-in users" in shown
    assert not Requirement.objects.exists()


def test_hr_is_refused_a_module_whose_index_is_kept_for_certain_groups(hr, module_page):
    to_nurses(module_page.get_parent())

    response = add_module_requirement(hr, module_page)

    assert response.status_code == 400
    assert "is kept for certain groups only in the CMS (set on “Modules”, above it)" in response.content.decode()
    assert not Requirement.objects.exists()


def test_a_module_for_any_signed_in_user_is_accepted(hr, module_page):
    PageViewRestriction.objects.create(page=module_page.get_parent(), restriction_type=PageViewRestriction.LOGIN)

    assert add_module_requirement(hr, module_page).status_code == 302
    assert Requirement.objects.get().page_id == module_page.pk


def test_the_cms_is_refused_a_policy_behind_a_password(editor_client, policy):  # noqa: F811
    by_password(policy)

    response = editor_client.post(reverse("wagtailsnippets_compliance_requirement:add"), _cms_form(page=str(policy.pk)))

    assert response.status_code == 200
    assert f"“{policy.title}” is kept behind a password in the CMS" in response.content.decode()
    assert not Requirement.objects.exists()


def test_a_retired_requirement_is_not_put_back_in_use_on_a_page_since_restricted(hr, module_page):
    requirement = factories.make_requirement(
        name="Social media module",
        kind=Requirement.COMPLETE_MODULE,
        page=module_page,
        active=False,
        retired_reason="Replaced",
    )
    by_password(module_page)

    response = hr.post(reverse("requirements:reinstate", args=[requirement.pk]), follow=True)

    assert response.status_code == 200
    shown = response.content.decode()
    assert "is kept behind a password in the CMS" in shown and "is in use again" not in shown
    requirement.refresh_from_db()
    assert not requirement.active


def test_a_requirement_on_a_restricted_page_can_still_be_retired(hr, module_page):
    requirement = factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page
    )
    by_password(module_page)  # set before the CMS refused it

    response = hr.post(reverse("requirements:retire", args=[requirement.pk]), {"reason": "Kept for a few"})

    assert response.status_code == 302
    requirement.refresh_from_db()
    assert not requirement.active
