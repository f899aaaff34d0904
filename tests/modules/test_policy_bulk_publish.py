"""The page listing's bulk "Publish" publishes each chosen page's latest revision without the edit form. A policy whose
latest revision has not answered the CMS's questions about a new version (the draft `import_policy --into` saves,
with a row per changed section and nothing chosen) failed Wagtail's checks part way through and the editor met a
server error; now the action is refused, naming the policy and what is missing, and nothing is published. An answered
draft goes through as the edit view's Publish does: frozen, with its round."""

import datetime
from html import unescape
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot, ReattestationRound, Requirement
from tests import factories
from tests.compliance.test_attestation import draft_new_version

VERSION_2 = """Social Media and Digital Content Policy

1. Principles

Principles.

1.1 Best practice

Always add the disclaimer.

2. Responding to the media

Refer it.
"""


def bulk_publish(cms, *pages, include_descendants=False) -> str:
    """The page listing's bulk publish, confirmed; the page the CMS shows after it."""
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    query = "&".join(f"id={page.pk}" for page in pages)
    data = {"include_descendants": "on"} if include_descendants else {}
    return unescape(cms.post(f"{url}?{query}&next=/cms/", data, follow=True).content.decode())


def _frozen(policy) -> list[str]:
    return list(PolicySnapshot.objects.filter(page_id=policy.pk).order_by("pk").values_list("version_label", flat=True))


@pytest.fixture
def imported(home_page, tmp_path):
    """Version 2.0 loaded with `import_policy --into`: a draft, its changed section's row unanswered."""
    sections = [
        ("section", {"number": "1", "heading": "Principles", "body": "<p>Principles.</p>"}),
        ("section", {"number": "1.1", "heading": "Best practice", "body": "<p>Speak for yourself.</p>"}),
        ("section", {"number": "2", "heading": "Responding to the media", "body": "<p>Refer it.</p>"}),
    ]
    policy = factories.make_policy(parent=home_page, sections=sections)
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    path = tmp_path / "policy-v2.txt"
    path.write_text(VERSION_2, encoding="utf-8")
    call_command("import_policy", str(path), "--into", str(policy.pk), "--version", "2.0", stdout=StringIO())
    assert PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object().version_label == "2.0"
    return policy


def test_an_imported_version_not_yet_answered_is_not_bulk_published_and_the_cms_says_why(cms, imported):
    shown = bulk_publish(cms, imported)

    assert (
        "“Social Media and Digital Content Policy” was not published: Choose material or minor for section 1.1. "
        "Open the policy in the CMS, put this right and publish it there."
    ) in shown
    page = PolicyPage.objects.get(pk=imported.pk)
    assert (page.version_label, page.has_unpublished_changes) == ("1.0", True)
    assert _frozen(imported) == ["1.0"]
    assert not ReattestationRound.objects.exists()


def test_a_page_above_it_published_with_its_drafts_below_is_refused_the_same_way(cms, imported, home_page):
    """A policy taken off the site keeps its draft; publishing the home page with its pages not live reaches it."""
    PolicyPage.objects.get(pk=imported.pk).unpublish()

    shown = bulk_publish(cms, home_page, include_descendants=True)

    assert "“Social Media and Digital Content Policy” was not published: Choose material or minor" in shown
    assert not PolicyPage.objects.get(pk=imported.pk).live
    assert _frozen(imported) == ["1.0"]


def test_an_answered_version_is_bulk_published_with_its_round(cms, policy):
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    draft_new_version(
        policy, "2.0", PolicyPage.MATERIAL, reason="Disclaimer now required", deadline=deadline, section_text="Add it."
    ).save_revision()

    shown = bulk_publish(cms, policy)

    assert "was not published" not in shown
    assert PolicyPage.objects.get(pk=policy.pk).version_label == "2.0"
    assert _frozen(policy) == ["1.0", "2.0"]
    (opened,) = ReattestationRound.objects.all()
    assert (opened.snapshot.version_label, opened.deadline) == ("2.0", deadline)
