"""A version's row in the policy's revisions table names, under "Approved by", the person who published it, and its
round was opened by them: the moderator who approved it in a Wagtail workflow, the editor who published it from the
page listing. The revision's author was named instead (Wagtail's signal carries the revision, not who published it),
so a version an editor submitted and a moderator approved said the editor had approved it. A scheduled version is
published by nobody at the time: it names the editor who scheduled it, as before."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot, ReattestationRound, Requirement
from tests import factories
from tests.compliance.test_attestation import draft_new_version


def _user(first, last, group):
    user = factories.make_user(first_name=first, last_name=last, email=f"{first.lower()}@example.nhs.uk")
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return _user("Erin", "Editor", "Editors")


def _version_2(policy, go_live_at=None):
    """Version 2.0, a material change, as the editor answers it in the CMS; not yet saved."""
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    return draft_new_version(
        policy,
        "2.0",
        PolicyPage.MATERIAL,
        reason="Disclaimer now required",
        deadline=deadline,
        section_text="Always use the disclaimer.",
        go_live_at=go_live_at,
    )


def _published_by(policy) -> tuple[str, str, str]:
    """Who the version's row, its snapshot and its round name."""
    snapshot = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert snapshot.version_label == "2.0"
    row = PolicyPage.objects.get(pk=policy.pk).revision_rows()[-1]
    opened = ReattestationRound.objects.get(snapshot=snapshot)
    return row["by"], snapshot.created_by.get_full_name(), opened.opened_by.get_full_name()


def test_a_version_approved_in_a_workflow_names_the_moderator_who_approved_it(policy, editor):
    _version_2(policy).save_revision(user=editor)
    page = PolicyPage.objects.get(pk=policy.pk)
    state = page.get_workflow().start(page, editor)  # "Submit for moderation"

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, _user("Mo", "Moderator", "Moderators"), "approve")

    assert _published_by(policy) == ("Mo Moderator", "Mo Moderator", "Mo Moderator")


def test_a_version_published_from_the_page_listing_names_who_published_it(policy, editor, cms):
    _version_2(policy).save_revision(user=editor)
    publisher = _user("Pat", "Publisher", "Moderators")
    factories.sign_in(cms, factories.with_mfa(publisher))

    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    cms.post(f"{url}?id={policy.pk}&next=/cms/", {})

    assert _published_by(policy) == ("Pat Publisher", "Pat Publisher", "Pat Publisher")


def test_a_scheduled_version_names_the_editor_who_scheduled_it(policy):
    scheduler = _user("Sam", "Scheduler", "Moderators")  # Wagtail's group that may publish
    go_live = timezone.now() + datetime.timedelta(days=3)
    _version_2(policy, go_live_at=go_live).save_revision(user=scheduler).publish(user=scheduler)

    reverse("wagtailadmin_pages:edit", args=[1])  # the URLconf loads before the clock stops
    with freeze_time(go_live + datetime.timedelta(hours=1)):
        call_command("publish_scheduled", verbosity=0)

    assert _published_by(policy) == ("Sam Scheduler", "Sam Scheduler", "Sam Scheduler")
