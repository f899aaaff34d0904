"""A policy cannot have an alias. Wagtail sends page_published for each alias as the original is published, so an
alias froze its own copy of every version and flagged every question on a changed clause a second time (two flags to
review, and the late re-attest date's email twice). The CMS's copy page, the admin API and every other way of making
one refuse it, alone or below a page aliased with the pages under it; an alias made before is ignored when the
policy is published."""

import json
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.actions.create_alias import CreatePageAliasAction
from wagtail.models import Page

from modules.models import ContentPage, PolicyPage, ReviewFlag
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
    # Made before aliasing a policy was refused everywhere (a branch's alias added it unchecked): a copy of the
    # policy, made the alias it would have been.
    alias = policy.copy(update_attrs={"slug": "policy-alias"}, keep_live=False)
    Page.objects.filter(pk=alias.pk).update(alias_of=policy)

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


def api_alias(client, page, **data):
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "create_alias"])
    return client.post(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def section(home_page):
    """A section of the site holding a policy, below the home page, where an editor may add pages."""
    section = home_page.add_child(instance=ContentPage(title="Governance", slug="governance", body=[]))
    return section, factories.make_policy(parent=section)


def test_the_admin_api_refuses_an_alias_of_a_branch_holding_a_policy(section, editor_client):
    branch, policy = section

    response = api_alias(editor_client, branch, recursive=True, update_slug="governance-again")

    assert response.status_code == 400
    assert response.json()["message"] == f"{REFUSED} {branch.title} holds the policy {policy.title}."
    assert not aliases().exists()


def test_the_admin_api_still_aliases_a_page_above_a_policy_alone(section, editor_client):
    branch, _ = section

    response = api_alias(editor_client, branch, update_slug="governance-again")

    assert response.status_code == 201
    assert list(aliases().values_list("alias_of_id", flat=True)) == [branch.pk]


def test_code_aliasing_a_branch_holding_a_policy_is_refused(section):
    """Wagtail's action adds the page aliased before the pages below it, in no transaction of its own: the policy's
    refusal undoes it in the caller's."""
    branch, _ = section

    with pytest.raises(ValidationError, match="A policy cannot have an alias"), transaction.atomic():
        CreatePageAliasAction(branch, recursive=True, update_slug="governance-again").execute()

    assert not aliases().exists()
