"""A policy version scheduled to go live on a date holds the page until then: no other version can be published
before it goes live or the editor cancels the schedule. Wagtail drops a schedule without a word when another revision
of the page is published, so without this the scheduled version (here a material change) never went live and nobody
knew. Evidence names only versions that went live: a version is frozen when it goes live, never when scheduled."""

import datetime
from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.test.utils.form_data import inline_formset, nested_form_data, querydict_from_html, rich_text, streamfield

from modules.models import PolicyPage
from modules.models.pages import ScheduledVersionError
from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance.test_attestation import attest, draft_new_version
from tests.modules.test_policy_publish_after_deadline import _at_noon, _material


@pytest.fixture
def editor(db):
    user = factories.make_user(first_name="Erin", last_name="Editor", email="erin.editor@example.nhs.uk")
    user.groups.add(Group.objects.get(name="Moderators"))  # Wagtail's group that may publish
    return factories.with_mfa(user)


def _go_live_day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=3)


def _schedule_version_2(policy, editor):
    """Version 2.0, a material change, published by `editor` to go live at noon in three days."""
    draft = _material(policy, _go_live_day() + datetime.timedelta(days=10), go_live_at=_at_noon(_go_live_day()))
    revision = draft.save_revision(user=editor)
    revision.publish(user=editor)
    assert PolicyPage.objects.get(pk=policy.pk).scheduled_revision == revision
    return revision


def _minor_version_1_1(policy):
    return draft_new_version(policy, "1.1", PolicyPage.MINOR, section_text="Speak for yourself, not for us.")


def _run_the_schedule() -> None:
    """The scheduled publishing run the day after the go-live date (cron runs `publish_scheduled`)."""
    reverse("wagtailadmin_pages:edit", args=[1])  # the URLconf loads before the clock stops (its schemas read dates)
    with freeze_time(_at_noon(_go_live_day() + datetime.timedelta(days=1))):
        call_command("publish_scheduled", verbosity=0)


def _live(policy) -> str:
    return PolicyPage.objects.get(pk=policy.pk).version_label


def _frozen(policy) -> list[str]:
    return list(PolicySnapshot.objects.filter(page_id=policy.pk).order_by("pk").values_list("version_label", flat=True))


def _notice(version="2.0") -> str:
    go_live = _go_live_day()
    return (
        f"Version {version} of this policy is scheduled to go live on {go_live:%-d %B %Y} at 12:00, so no other "
        "version can be published before then. To publish another version, first cancel the scheduled publish "
        "(“Cancel scheduled publish” on the policy's edit page), then publish it."
    )


def test_publishing_another_version_while_one_is_scheduled_is_refused_and_the_scheduled_one_goes_live(policy, editor):
    scheduled = _schedule_version_2(policy, editor)
    other = _minor_version_1_1(policy).save_revision(user=editor)

    with pytest.raises(ScheduledVersionError) as refused:
        other.publish(user=editor)

    assert str(refused.value) == _notice()
    page = PolicyPage.objects.get(pk=policy.pk)
    assert (page.version_label, page.scheduled_revision) == ("1.0", scheduled)  # nothing changed
    assert _frozen(policy) == ["1.0"]
    _run_the_schedule()
    assert _live(policy) == "2.0"
    assert _frozen(policy) == ["1.0", "2.0"]
    assert PolicySnapshot.objects.filter(page_id=policy.pk).latest().material


def test_scheduling_another_version_is_refused_too(policy, editor):
    """Publishing to go live later replaces the schedule in Wagtail: the same choice, so the same rule."""
    _schedule_version_2(policy, editor)
    later = _material(policy, _go_live_day() + datetime.timedelta(days=20), go_live_at=_at_noon(_go_live_day()))
    later.version_label = "3.0"
    with pytest.raises(ScheduledVersionError):
        later.save_revision(user=editor).publish(user=editor)
    _run_the_schedule()
    assert _live(policy) == "2.0"


def test_the_latest_revision_saved_after_the_schedule_is_refused_as_approval_and_bulk_publish_would_send_it(
    policy, editor
):
    """A workflow approval and the CMS's bulk publish publish the page's latest revision: a draft saved since the
    version was scheduled (`import_policy --into` saves one) is another version, refused the same way."""
    _schedule_version_2(policy, editor)
    page = PolicyPage.objects.get(pk=policy.pk)
    draft = page.get_latest_revision_as_object()
    draft.title = "Social Media Policy"
    draft.save_revision(clean=False)

    with pytest.raises(ScheduledVersionError):
        PolicyPage.objects.get(pk=policy.pk).get_latest_revision().publish(user=editor)
    _run_the_schedule()
    assert _live(policy) == "2.0"


def test_the_scheduled_version_itself_may_be_published_again(policy, editor):
    """Publishing the scheduled revision again (a workflow approval of it, the bulk publish action) keeps it
    scheduled."""
    scheduled = _schedule_version_2(policy, editor)
    scheduled.publish(user=editor)
    page = PolicyPage.objects.get(pk=policy.pk)
    assert (page.version_label, page.scheduled_revision) == ("1.0", scheduled)


def test_after_cancelling_the_schedule_another_version_is_published_and_the_cancelled_one_never_goes_live(
    policy, editor
):
    scheduled = _schedule_version_2(policy, editor)
    client = factories.sign_in(Client(), editor)
    client.post(reverse("wagtailadmin_pages:revisions_unschedule", args=[policy.pk, scheduled.pk]))
    assert PolicyPage.objects.get(pk=policy.pk).scheduled_revision is None

    _minor_version_1_1(policy).save_revision(user=editor).publish(user=editor)
    _run_the_schedule()

    assert _live(policy) == "1.1"
    assert _frozen(policy) == ["1.0", "1.1"]  # 2.0 never went live, so nothing names it


def _edit_form(client, policy) -> dict:
    """The policy's edit form as the CMS sends it (the sections and answers, which its scripts build, added)."""
    url = reverse("wagtailadmin_pages:edit", args=[policy.pk])
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form").dict()
    page = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    sections = [
        ("section", {**dict(block.value), "body": rich_text(block.value["body"].source), "summary": rich_text("")})
        for block in page.sections
    ]
    data.update(nested_form_data({"sections": streamfield(sections), "section_changes": streamfield([])}))
    data.update(nested_form_data({"amendments": inline_formset([])}))
    return data


def _with_version_1_1(data: dict, policy) -> dict:
    data = {**data, "version_label": "1.1", "change_base": PolicySnapshot.objects.get(page_id=policy.pk).content_hash}
    data["sections-1-value-body"] = rich_text("<p>Speak for yourself, not for us.</p>")  # section 6.2
    data.update(
        nested_form_data(
            {"section_changes": streamfield([("change", {"section": "6.2", "change": "minor", "reason": ""})])}
        )
    )
    return data


def test_the_edit_view_names_the_scheduled_version_and_refuses_a_publish_from_a_page_opened_before(policy, editor):
    """Another editor had the policy open before version 2.0 was scheduled, and publishes their version 1.1 from
    it: Wagtail's lock on a scheduled page refuses it, and the page says which version is scheduled, when, and what
    to do. The same form published before anything was scheduled goes through (so it is the schedule that stops it).
    """
    client = factories.sign_in(Client(), editor)
    form = _with_version_1_1(_edit_form(client, policy), policy)
    url = reverse("wagtailadmin_pages:edit", args=[policy.pk])
    _schedule_version_2(policy, editor)

    refused = client.post(url, {**form, "action-publish": "action-publish"})

    assert _notice() in unescape(refused.content.decode())
    assert _live(policy) == "1.0" and _frozen(policy) == ["1.0"]
    assert _notice() in unescape(client.get(url).content.decode())

    scheduled = PolicyPage.objects.get(pk=policy.pk).scheduled_revision
    client.post(reverse("wagtailadmin_pages:revisions_unschedule", args=[policy.pk, scheduled.pk]))
    response = client.post(url, {**form, "action-publish": "action-publish"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _live(policy) == "1.1" and _frozen(policy) == ["1.0", "1.1"]


def test_a_first_version_scheduled_to_go_live_is_not_frozen_or_attested_until_it_goes_live(home_page, person, editor):
    """A new policy published to go live in three days: until then there is no version of it to attest, so no
    attestation can name a version that might never go live."""
    page = home_page.add_child(
        instance=PolicyPage(
            title="Bring Your Own Device Policy",
            slug="byod",
            version_label="1.0",
            effective_date=_go_live_day(),
            next_review_date=_go_live_day() + datetime.timedelta(days=365),
            owner_team="Digital",
            sections=[("section", {"number": "1", "heading": "Purpose", "body": "<p>Keep patient data safe.</p>"})],
            live=False,
        )
    )
    page.go_live_at = _at_noon(_go_live_day())
    page.save_revision(user=editor).publish(user=editor)
    requirement = factories.make_requirement(name="BYOD policy", kind=Requirement.ATTEST_POLICY, page=page)
    staff = factories.make_staff(user=person)
    refresh(staff_ids=[staff.pk])
    client = factories.sign_in(Client(), person)
    url = reverse("attestation:attest", args=[requirement.pk])

    assert _frozen(page) == []
    assert client.get(url).status_code == 404  # "This policy has not been published yet."

    _run_the_schedule()
    assert PolicyPage.objects.get(pk=page.pk).live and _frozen(page) == ["1.0"]
    attest(client, requirement.pk)
    assert EvidenceEntry.objects.get(staff=staff).snapshot.version_label == "1.0"
