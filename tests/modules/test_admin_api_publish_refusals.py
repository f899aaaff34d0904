"""The admin API's publish (/cms/api/main/pages/<id>/action/publish/) publishes the page's latest revision without the
edit form, as the page listing's bulk publish does, and now refuses what the edit view and the bulk publish refuse.
Wagtail's action ignored the page's lock, so a draft another editor was still writing under their lock went live;
and it took a policy's revision the bulk publish refuses (`PolicyPage.publish_refusal`: the questions about a new
version unanswered). A page the person may publish, unlocked, goes through as before."""

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot, ReattestationRound
from tests import factories
from tests.modules.test_import_policy_while_scheduled import editor  # noqa: F401 (the fixture)
from tests.modules.test_policy_bulk_publish import imported  # noqa: F401 (the fixture)
from tests.modules.test_policy_scheduled_version import _schedule_version_2


def _publish(client, page):
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "publish"])
    return client.post(url, data=json.dumps({}), content_type="application/json")


def _live(page) -> tuple:
    page = PolicyPage.objects.get(pk=page.pk)
    return page.live_revision_id, page.version_label, page.has_unpublished_changes


@pytest.fixture
def client_of(editor):  # noqa: F811
    return factories.sign_in(Client(), editor)


def test_a_draft_under_another_editors_lock_is_not_published(policy, client_of):
    other = factories.make_user(first_name="Olu", last_name="Other", email="olu.other@example.nhs.uk")
    draft = PolicyPage.objects.get(pk=policy.pk)
    draft.title, draft.version_label = "Social Media Policy (Olu's draft)", "1.1"
    draft.save_revision(user=other)
    PolicyPage.objects.filter(pk=policy.pk).update(locked=True, locked_by=other, locked_at=timezone.now())
    before = _live(policy)

    response = _publish(client_of, policy)

    assert response.status_code == 400
    message = response.json()["message"]
    assert "Olu Other" in message and message.endswith("Nothing was published.") and "<" not in message
    assert _live(policy) == before and before[2] is True
    assert PolicyPage.objects.get(pk=policy.pk).title != "Social Media Policy (Olu's draft)"


def test_a_policy_with_a_version_scheduled_is_not_published_again(policy, editor, client_of):  # noqa: F811
    scheduled = _schedule_version_2(policy, editor)
    before = _live(policy)

    response = _publish(client_of, policy)

    assert response.status_code == 400
    assert "scheduled to go live" in response.json()["message"]
    assert _live(policy) == before
    assert PolicyPage.objects.get(pk=policy.pk).scheduled_revision == scheduled


def test_an_imported_version_not_yet_answered_is_refused_naming_what_is_missing(imported, client_of):  # noqa: F811
    response = _publish(client_of, imported)

    assert response.status_code == 400
    assert response.json()["message"] == (
        "Choose material or minor for section 1.1. Open the policy in the CMS, put this right and publish it there. "
        "Nothing was published."
    )
    assert _live(imported)[1:] == ("1.0", True)
    assert list(PolicySnapshot.objects.filter(page_id=imported.pk).values_list("version_label", flat=True)) == ["1.0"]
    assert not ReattestationRound.objects.exists()


def test_an_unlocked_draft_the_person_may_publish_goes_live(policy, client_of):
    draft = PolicyPage.objects.get(pk=policy.pk)
    draft.title, draft.version_label = "Social Media and Digital Content Policy (revised)", "1.1"
    revision = draft.save_revision()

    response = _publish(client_of, policy)

    assert response.status_code == 200, response.content[:500]
    page = PolicyPage.objects.get(pk=policy.pk)
    assert (page.live_revision_id, page.title) == (revision.pk, "Social Media and Digital Content Policy (revised)")


def test_an_editor_who_may_not_publish_gets_wagtails_refusal_not_the_lock(policy):
    other = factories.make_user(first_name="Olu", last_name="Other", email="olu.other@example.nhs.uk")
    PolicyPage.objects.filter(pk=policy.pk).update(locked=True, locked_by=other, locked_at=timezone.now())
    writer = factories.with_mfa(factories.make_user())
    writer.groups.add(Group.objects.get(name="Editors"))  # may edit pages, not publish them

    response = _publish(factories.sign_in(Client(), writer), policy)

    assert response.status_code == 403
    assert "Olu" not in response.content.decode()
