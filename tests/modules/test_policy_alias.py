"""A policy cannot have an alias. Wagtail sends page_published for each alias as the original is published, so an
alias froze its own copy of every version and flagged every question on a changed clause a second time (two flags to
review, and the late re-attest date's email twice). The CMS's copy page and every other way of making one refuse it;
an alias made before, or below a page aliased through the API, is ignored when the policy is published."""

import json
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from modules.models import PolicyPage, ReviewFlag
from portal.compliance.models import PolicySnapshot
from quizzes.models import Question
from tests import factories
from tests.quizzes.test_held_for_review import _material_change_to

REFUSED = PolicyPage.ALIAS_REFUSED


@pytest.fixture
def editor_client():
    editor = factories.with_mfa(factories.make_user())
    editor.groups.add(Group.objects.get(name="Moderators"))
    return factories.sign_in(Client(), editor)


def aliases():
    return Page.objects.filter(alias_of__isnull=False)


def test_publishing_a_policy_with_an_alias_freezes_each_version_and_flags_each_question_once(policy, module_page):
    home = policy.get_parent()
    # Made below an alias of the home page, as the admin API's create_alias would (Wagtail adds the pages below the
    # one aliased without checking them).
    home.create_alias(recursive=True, parent=home.get_parent(), update_slug="training-home-again")
    alias = PolicyPage.objects.get(alias_of=policy)

    _material_change_to(policy, "6.2")  # version 2.0
    version_3 = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    version_3.version_label = "3.0"
    version_3.sections = [
        ("section", {**dict(b.value), "body": "<p>Changed again.</p>"} if b.value["number"] == "9" else dict(b.value))
        for b in version_3.sections
    ]
    version_3.change_base = PolicySnapshot.objects.filter(page_id=policy.pk).latest().content_hash
    version_3.section_changes = [("change", {"section": "9", "change": "material", "reason": "Newer rule"})]
    version_3.save_revision().publish()

    assert list(PolicySnapshot.objects.filter(page_id=policy.pk).values_list("version_label", flat=True)) == [
        "3.0",
        "2.0",
        "1.0",
    ]
    assert not PolicySnapshot.objects.filter(page_id=alias.pk).exists()
    asked = Question.objects.filter(clause__in=["6.2", "9"]).count()
    question_flags = ReviewFlag.objects.filter(question__isnull=False)
    assert question_flags.count() == asked
    assert set(question_flags.values_list("snapshot__page_id", flat=True)) == {policy.pk}


def test_the_copy_page_refuses_an_alias_of_a_policy(policy, editor_client):
    url = reverse("wagtailadmin_pages:copy", args=[policy.pk])
    form = {"new_title": policy.title, "new_slug": "policy-alias", "new_parent_page": policy.get_parent().pk}

    refused = editor_client.post(url, {**form, "alias": "on"}, follow=True)

    assert REFUSED in unescape(refused.content.decode())
    assert not aliases().exists()


def test_the_copy_page_refuses_an_alias_of_a_branch_holding_a_policy(policy, module_page, editor_client):
    home = policy.get_parent()
    url = reverse("wagtailadmin_pages:copy", args=[home.pk])
    form = {"new_title": "Again", "new_slug": "again", "new_parent_page": home.get_parent().pk, "copy_subpages": "on"}

    refused = editor_client.post(url, {**form, "alias": "on"}, follow=True)

    html = unescape(refused.content.decode())
    assert REFUSED in html and f"{home.title} holds the policy {policy.title}." in html
    assert not aliases().exists()


def test_an_alias_of_a_policy_is_refused_however_it_is_made(policy, editor_client):
    with pytest.raises(ValidationError, match="A policy cannot have an alias"):
        policy.create_alias(update_slug="policy-alias")

    response = editor_client.post(
        f"/cms/api/main/pages/{policy.pk}/action/create_alias/",
        data=json.dumps({"update_slug": "policy-alias-api"}),
        content_type="application/json",
    )
    assert response.status_code >= 400
    assert not aliases().exists()
