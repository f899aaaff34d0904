"""A policy cannot be copied: a copy is a second policy with the same text (and, unless renamed, title), published by
"publish copies" as its own version 1.0, which staff could attest while requirements and reports name the first.
`import_policy` refuses a second policy with a policy's title or text; the CMS's copy page and the admin API's copy
action refused nothing, for the policy itself or for a page above it copied with its subpages. A new version goes into
the same page. A module, or a page above a policy copied alone, is still copied."""

import json
from html import unescape

import pytest
from django.urls import reverse
from wagtail.models import Page

from modules.copying import NEW_VERSION_INSTEAD
from modules.models import ContentPage, ModulePage, PolicyPage
from portal.compliance.models import PolicySnapshot, Requirement
from tests import factories


def policies_and_versions():
    return PolicyPage.objects.count(), PolicySnapshot.objects.count()


@pytest.mark.parametrize("new_title", ["same", "another"])
def test_copying_a_policy_in_the_cms_is_refused(cms, policy, new_title):
    before = policies_and_versions()
    title = policy.title if new_title == "same" else "Social media policy (copy)"
    response = cms.post(
        reverse("wagtailadmin_pages:copy", args=[policy.pk]),
        {
            "new_title": title,
            "new_slug": "social-media-policy-2",
            "new_parent_page": str(policy.get_parent().pk),
            "publish_copies": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert f"“{policy.title}” is a policy and cannot be copied" in html
    assert NEW_VERSION_INSTEAD in html
    assert policies_and_versions() == before
    assert PolicySnapshot.objects.filter(title=policy.title, version_label="1.0").count() == 1


def test_the_copy_page_of_a_policy_sends_the_editor_to_the_policy(cms, policy):
    response = cms.get(reverse("wagtailadmin_pages:copy", args=[policy.pk]))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_pages:edit", args=[policy.pk])


def test_copying_the_home_page_with_its_subpages_is_refused(cms, policy, module_page):
    home = policy.get_parent()
    pages = Page.objects.count()

    response = cms.post(
        reverse("wagtailadmin_pages:copy", args=[home.pk]),
        {
            "new_title": "Staff training again",
            "new_slug": "training-home-2",
            "new_parent_page": str(home.get_parent().pk),
            "copy_subpages": "on",
            "publish_copies": "on",
        },
        follow=True,
    )

    html = unescape(response.content.decode())
    assert f"{home.title} cannot be copied with the pages below it: it holds the policy “{policy.title}”" in html
    assert Page.objects.count() == pages
    assert PolicySnapshot.objects.count() == 1


@pytest.fixture
def section(home_page):
    """A section of the site holding a policy and a page of its own."""
    section = home_page.add_child(instance=ContentPage(title="Governance", slug="governance", body=[]))
    section.add_child(instance=ContentPage(title="Who we are", slug="who-we-are", body=[]))
    return section, factories.make_policy(parent=section)


def test_a_page_above_a_policy_is_still_copied_without_its_subpages(cms, section):
    branch, _ = section

    response = cms.post(
        reverse("wagtailadmin_pages:copy", args=[branch.pk]),
        {"new_title": "Governance 2", "new_slug": "governance-2", "new_parent_page": str(branch.get_parent().pk)},
    )

    assert response.status_code == 302
    copy = Page.objects.get(slug="governance-2")
    assert copy.get_children().count() == 0
    assert PolicyPage.objects.count() == 1


def test_a_module_is_still_copied_and_takes_no_evidence_or_requirement(cms, policy, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    requirements = Requirement.objects.count()

    response = cms.post(
        reverse("wagtailadmin_pages:copy", args=[module_page.pk]),
        {
            "new_title": "Module, copied",
            "new_slug": "module-copied",
            "new_parent_page": str(module_page.get_parent().pk),
            "publish_copies": "on",
        },
    )

    assert response.status_code == 302
    copy = ModulePage.objects.get(slug="module-copied")
    assert copy.live and copy.policy_id == policy.pk
    assert Requirement.objects.count() == requirements
    assert not Requirement.objects.filter(page_id=copy.pk).exists()
    assert PolicyPage.objects.count() == 1


def api_copy(client, page, **data):
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "copy"])
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.mark.parametrize("data", [{}, {"title": "Another policy", "slug": "another-policy"}, {"keep_live": False}])
def test_the_admin_api_refuses_to_copy_a_policy(cms, policy, data):
    before = policies_and_versions()

    response = api_copy(cms, policy, **data)

    assert response.status_code == 400
    assert response.json()["message"].startswith(f"“{policy.title}” is a policy and cannot be copied")
    assert policies_and_versions() == before


def test_the_admin_api_refuses_to_copy_a_branch_holding_a_policy_with_its_subpages(cms, section):
    branch, policy = section
    pages = Page.objects.count()

    response = api_copy(cms, branch, recursive=True, slug="governance-2")

    assert response.status_code == 400
    assert f"it holds the policy “{policy.title}”" in response.json()["message"]
    assert Page.objects.count() == pages


def test_the_admin_api_still_copies_a_page_above_a_policy_alone(cms, section):
    branch, _ = section

    response = api_copy(cms, branch, slug="governance-2")

    assert response.status_code == 201
    assert Page.objects.get(slug="governance-2").get_children().count() == 0
    assert PolicyPage.objects.count() == 1
