"""While a version of a policy waits for approval in a Wagtail workflow, `import_policy --into` saves nothing. Approving
publishes the page's latest revision: the command's draft saved meanwhile would be it, so the moderator's approval
tried to publish a text they had not reviewed, with its questions unanswered, and met a server error; the version
they had reviewed was left unpublished. Once the workflow is over, the import goes through."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot
from tests import factories
from tests.compliance.test_attestation import draft_new_version
from tests.modules.test_import_policy_while_scheduled import VERSION_3


def _user(first, last, group):
    user = factories.make_user(first_name=first, last_name=last, email=f"{first.lower()}@example.nhs.uk")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def in_moderation(policy):
    """Version 1.1, a minor change, submitted for approval by an editor (as the CMS's "Submit for moderation" does:
    the page checked and saved, then the page's workflow started)."""
    editor = _user("Erin", "Editor", "Editors")
    draft_new_version(policy, "1.1", PolicyPage.MINOR, section_text="Speak for yourself, not for us.").save_revision(
        user=editor
    )
    page = PolicyPage.objects.get(pk=policy.pk)
    return page.get_workflow().start(page, editor)


@pytest.fixture
def version_3(tmp_path) -> str:
    path = tmp_path / "policy-v3.txt"
    path.write_text(VERSION_3, encoding="utf-8")
    return str(path)


def _approve(state) -> None:
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, _user("Mo", "Moderator", "Moderators"), "approve")


def test_a_version_is_not_imported_while_another_awaits_approval_and_the_approval_publishes_the_one_reviewed(
    policy, in_moderation, version_3
):
    before = PolicyPage.objects.get(pk=policy.pk).latest_revision_id

    with pytest.raises(CommandError) as refused:
        call_command("import_policy", version_3, "--into", str(policy.pk), "--version", "3.0", stdout=StringIO())

    submitted = timezone.localdate()
    assert str(refused.value) == (
        "Version 1.1 of “Social Media and Digital Content Policy” is awaiting approval (“Moderators approval”, "
        f"submitted by Erin Editor on {submitted:%-d %B %Y}), and the policy cannot be changed before then: approving "
        "it publishes the policy's latest revision, which would be this import rather than the version reviewed. "
        "Import the next version once it has been approved, or cancel the workflow (“Cancel workflow” on the "
        "policy's edit page) and import it again. Nothing was saved."
    )
    assert PolicyPage.objects.get(pk=policy.pk).latest_revision_id == before
    _approve(in_moderation)
    assert PolicyPage.objects.get(pk=policy.pk).version_label == "1.1"
    assert PolicySnapshot.objects.filter(page_id=policy.pk).latest().version_label == "1.1"


def test_once_approved_the_next_version_is_imported(policy, in_moderation, version_3):
    _approve(in_moderation)

    report = StringIO()
    call_command("import_policy", version_3, "--into", str(policy.pk), "--version", "3.0", stdout=report)

    assert "Saved version 3.0" in report.getvalue()
    page = PolicyPage.objects.get(pk=policy.pk)
    assert (page.version_label, page.get_latest_revision_as_object().version_label) == ("1.1", "3.0")


def test_a_version_sent_back_for_changes_does_not_hold_the_import(policy, in_moderation, version_3):
    """The editor resubmits it through the edit form, which asks the questions about the draft the import saved."""
    task_state = in_moderation.current_task_state
    task_state.task.specific.on_action(task_state, _user("Mo", "Moderator", "Moderators"), "reject")

    report = StringIO()
    call_command("import_policy", version_3, "--into", str(policy.pk), "--version", "3.0", stdout=report)

    assert "Saved version 3.0" in report.getvalue()
    assert PolicyPage.objects.get(pk=policy.pk).version_label == "1.0"
