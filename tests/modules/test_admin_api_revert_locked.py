"""The admin API's revert (/cms/api/main/pages/<id>/action/revert_to_page_revision/) saves nothing while the page is
locked for the person, as the edit view saves nothing then. Wagtail's action ignored the lock, so with a policy's next
version scheduled to go live a revert saved a new latest revision under the schedule (the draft `import_policy
--into` and the edit view refuse to save then), and with another editor's lock it saved over their work."""

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from modules.models import PolicyPage
from tests import factories
from tests.modules.test_import_policy_while_scheduled import editor  # noqa: F401 (the fixture)
from tests.modules.test_policy_scheduled_version import _run_the_schedule, _schedule_version_2


def _revert(client, page, revision_id):
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "revert_to_page_revision"])
    return client.post(url, data=json.dumps({"revision_id": revision_id}), content_type="application/json")


def _latest_revision_id(page) -> int:
    return PolicyPage.objects.get(pk=page.pk).latest_revision_id


@pytest.fixture
def client_of(editor):  # noqa: F811
    return factories.sign_in(Client(), editor)


def test_a_revert_is_refused_while_a_version_is_scheduled_to_go_live(policy, editor, client_of):  # noqa: F811
    first = _latest_revision_id(policy)
    scheduled = _schedule_version_2(policy, editor)
    before = _latest_revision_id(policy)

    response = _revert(client_of, policy, first)

    assert response.status_code == 400
    message = response.json()["message"]
    assert "is locked and has been scheduled to go live" in message and message.endswith("Nothing was saved.")
    assert "<" not in message  # the lock's words, without the edit view's markup
    page = PolicyPage.objects.get(pk=policy.pk)
    assert (page.latest_revision_id, page.scheduled_revision) == (before, scheduled)

    # Once the version has gone live the page is open again: the revert is judged by the page's own rules (here:
    # version 1.0's number is taken), not by the lock.
    _run_the_schedule()
    after = _revert(client_of, policy, first).json()
    assert "message" not in after and "Version 1.0 of this policy was published" in after["version_label"][0]


def test_a_revert_is_refused_while_another_editor_holds_the_lock(policy, client_of):
    first = _latest_revision_id(policy)
    other = factories.make_user(first_name="Olu", last_name="Other", email="olu.other@example.nhs.uk")
    PolicyPage.objects.filter(pk=policy.pk).update(locked=True, locked_by=other, locked_at=timezone.now())

    response = _revert(client_of, policy, first)

    assert response.status_code == 400
    assert _latest_revision_id(policy) == first


def test_a_revert_of_an_unlocked_page_goes_through(policy, client_of):
    first = _latest_revision_id(policy)

    response = _revert(client_of, policy, first)

    assert response.status_code == 200
    assert _latest_revision_id(policy) != first
