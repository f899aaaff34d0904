"""A version's number names one text: a policy cannot publish a version under a number an earlier version had. Going
back to version 1.0's revision after 2.0 (Wagtail's revision history) brought "1.0" back, and froze a second,
different, version 1.0 that attestations and reports could not tell from the first."""

from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot
from tests import factories
from tests.modules.test_policy_scheduled_version import _edit_form
from tests.quizzes.test_held_for_review import _material_change_to


def labels(policy) -> list[str]:
    snapshots = PolicySnapshot.objects.filter(page_id=policy.pk).order_by("created_at", "pk")
    return list(snapshots.values_list("version_label", flat=True))


@pytest.fixture
def at_version_2(policy):
    _material_change_to(policy, "6.2")
    assert labels(policy) == ["1.0", "2.0"]
    return policy


def version_1_revision(policy):
    return PolicyPage.objects.get(pk=policy.pk).revisions.order_by("created_at", "pk").first()


def test_going_back_to_an_earlier_version_under_its_old_number_is_refused(at_version_2):
    page = version_1_revision(at_version_2).as_object()

    with pytest.raises(ValidationError) as refusal:
        page.full_clean()
    message = refusal.value.message_dict["version_label"][0]
    assert message.startswith("Version 1.0 of this policy was published on ")
    assert "Give this version a new number (the latest published is 2.0)." in message


def test_publishing_the_earlier_revision_again_freezes_no_second_version(at_version_2):
    with pytest.raises(ValidationError, match=r"Version 1\.0 of this policy was published"):
        version_1_revision(at_version_2).publish()

    assert labels(at_version_2) == ["1.0", "2.0"]
    assert PolicyPage.objects.get(pk=at_version_2.pk).version_label == "2.0"


def test_the_cms_says_which_number_is_taken(at_version_2):
    editor = factories.with_mfa(factories.make_user())
    editor.groups.add(Group.objects.get(name="Moderators"))
    client = factories.sign_in(Client(), editor)
    form = {**_edit_form(client, at_version_2), "version_label": "1.0", "action-publish": "action-publish"}

    refused = client.post(reverse("wagtailadmin_pages:edit", args=[at_version_2.pk]), form)

    assert refused.status_code == 200
    assert "Version 1.0 of this policy was published on" in unescape(refused.content.decode())
    assert labels(at_version_2) == ["1.0", "2.0"]


def test_the_same_version_can_be_published_again_and_a_new_number_goes_through(at_version_2):
    page = PolicyPage.objects.get(pk=at_version_2.pk)
    page.save_revision().publish()  # 2.0 again, unchanged: the same version
    assert labels(at_version_2) == ["1.0", "2.0"]

    page = version_1_revision(at_version_2).as_object()
    page.version_label = "3.0"
    page.change_base = PolicySnapshot.objects.filter(page_id=page.pk).latest().content_hash
    page.section_changes = [("change", {"section": "6.2", "change": "minor", "reason": ""})]
    page.save_revision().publish()
    assert labels(at_version_2) == ["1.0", "2.0", "3.0"]
