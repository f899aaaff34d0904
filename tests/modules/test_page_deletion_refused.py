"""A page that evidence or a requirement names, or with such a page below it, cannot be deleted from the CMS, alone or
in a bulk delete: the refusal names what holds it and says to unpublish instead. The rows protect the page in the
database, so the delete ended in a server error (ProtectedError)."""

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from modules.models import ContentPage, ModuleCompletion, ModulePage, PolicyPage
from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement
from tests import factories

UNPUBLISH = "To take it off the site, unpublish it."


@pytest.fixture
def cms(db):
    user = factories.with_mfa(factories.make_user(is_superuser=True))
    return factories.sign_in(Client(), user)


def delete(cms, page):
    """The page's own delete, asked for and then confirmed; what the CMS shows after the confirmation."""
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    asked = cms.get(url)
    confirmed = cms.post(url, follow=True)
    return asked, unescape(confirmed.content.decode())


def bulk_delete(cms, *pages):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    query = "&".join(f"id={page.pk}" for page in pages)
    return unescape(cms.post(f"{url}?{query}&next=/cms/", follow=True).content.decode())


def still_there(*pages) -> bool:
    return Page.objects.filter(pk__in=[page.pk for page in pages]).count() == len(pages)


def attest(policy):
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    factories.make_completion(factories.make_staff(), requirement, source=EvidenceEntry.ATTESTATION, snapshot=snapshot)


def test_a_policy_attested_to_is_not_deleted_and_the_cms_says_why(cms, policy):
    attest(policy)

    asked, shown = delete(cms, policy)

    assert asked.status_code == 302  # refused before the confirmation is shown
    assert (
        "“Social Media and Digital Content Policy” cannot be deleted: Version 1.0 of this policy has attestations "
        "recorded against it." in shown
    )
    assert UNPUBLISH in shown
    assert still_there(policy)


def test_a_page_holding_a_policy_below_it_names_the_policy(cms, policy):
    home = policy.get_parent()

    _, shown = delete(cms, home)

    assert "Version 1.0 of “Social Media and Digital Content Policy” was published, and its text is kept" in shown
    assert still_there(home, policy)


def test_a_module_completed_is_not_deleted_alone_or_in_bulk(cms, person, module_page):
    ModuleCompletion.objects.create(user=person, page=module_page, completed_at=module_page.first_published_at)

    _, shown = delete(cms, module_page)
    assert f"“{module_page.title}” cannot be deleted: this module has completions recorded against it." in shown

    other = factories.make_module(policy=module_page.policy)
    shown = bulk_delete(cms, other, module_page)
    assert f"“{module_page.title}” cannot be deleted: this module has completions recorded against it." in shown
    assert f"“{other.title}” cannot be deleted" not in shown
    assert still_there(module_page, other)  # the bulk delete is refused as a whole


def test_a_module_a_requirement_names_is_not_deleted(cms, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)

    _, shown = delete(cms, module_page)

    assert "cannot be deleted: the requirement “Social media module” is for this page." in shown
    assert still_there(module_page)


def test_a_page_nothing_names_is_deleted(cms, home_page, module_page):
    page = home_page.add_child(instance=ContentPage(title="Old notice", slug="old-notice", body=[]))
    module = ModulePage.objects.get(pk=module_page.pk)

    delete(cms, page)
    bulk_delete(cms, module)

    assert not Page.objects.filter(pk__in=[page.pk, module.pk]).exists()
    assert PolicyPage.objects.exists()
