"""A material version always opens a re-attestation round, however late it goes live. The CMS asks for a re-attest by
date after the go-live date; a version that still goes live after its date (a scheduled go-live run late, a workflow
approval given later) opens the round due four weeks from the day it went live, and its editor is emailed."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from modules.models import PolicyPage
from modules.publishing import LATE_REATTEST_NOTICE
from portal.compliance import status
from portal.compliance.models import PolicySnapshot, ReattestationRound, RequirementStatus
from portal.compliance.services import attestation_record
from tests import factories
from tests.compliance.test_attestation import attestation, draft_new_version, staff  # noqa: F401 - fixtures


@pytest.fixture
def editor(staff, person, policy):  # noqa: F811
    """The editor of the policy's next version. The person has attested version 1.0."""
    attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=person)
    return factories.make_user(first_name="Erin", last_name="Editor", email="erin.editor@example.nhs.uk")


def _material(policy, deadline, go_live_at=None):
    return draft_new_version(
        policy,
        "2.0",
        PolicyPage.MATERIAL,
        reason="Disclaimer now required",
        deadline=deadline,
        section_text="Always use the disclaimer.",
        go_live_at=go_live_at,
    )


def _at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_the_cms_asks_for_a_re_attest_date_after_the_go_live_date(policy):
    today = timezone.localdate()
    go_live = today + datetime.timedelta(days=10)
    for deadline in (today + datetime.timedelta(days=5), go_live):
        with pytest.raises(ValidationError) as error:
            _material(policy, deadline, go_live_at=_at_noon(go_live))
        assert error.value.message_dict["reattest_deadline"] == [
            f"Set a re-attest by date after the go-live date: this version goes live on {go_live:%-d %B %Y}, "
            f"so staff cannot re-attest it by {deadline:%-d %B %Y}."
        ]
    _material(policy, go_live + datetime.timedelta(days=1), go_live_at=_at_noon(go_live))  # accepted


def test_a_go_live_date_already_passed_asks_only_for_a_future_date(policy):
    """A go-live date in the past (the version goes live when published) is not held against a deadline after today:
    the draft is accepted (draft_new_version refuses what the CMS would)."""
    today = timezone.localdate()
    went_live = timezone.now() - datetime.timedelta(days=30)
    page = _material(policy, today + datetime.timedelta(days=1), go_live_at=went_live)
    assert (page.reattest_deadline, page.go_live_at) == (today + datetime.timedelta(days=1), went_live)


def _go_live_by_schedule(policy, editor, today):
    go_live = today + datetime.timedelta(days=3)
    page = _material(policy, today + datetime.timedelta(days=10), go_live_at=_at_noon(go_live))
    page.save_revision(user=editor).publish()  # scheduled: version 1.0 stays live until then
    assert PolicyPage.objects.get(pk=policy.pk).version_label == "1.0"
    return lambda: call_command("publish_scheduled", verbosity=0)


def _go_live_by_approval(policy, editor, today):
    revision = _material(policy, today + datetime.timedelta(days=10)).save_revision(user=editor)
    return lambda: revision.publish()  # approved by a moderator, later


def _publish_on(day: datetime.date, publish, capture_on_commit) -> None:
    reverse("wagtailadmin_pages:edit", args=[1])  # the URLconf loads before the clock stops (its schemas read dates)
    with freeze_time(_at_noon(day)), capture_on_commit(execute=True):
        publish()


@pytest.mark.parametrize("go_live", [_go_live_by_schedule, _go_live_by_approval], ids=["scheduled", "approved later"])
def test_a_material_version_live_after_its_date_still_asks_everyone_to_re_attest(
    policy, editor, go_live, mailoutbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    late = today + datetime.timedelta(days=15)  # the re-attest by date, day 10, has passed
    _publish_on(late, go_live(policy, editor, today), django_capture_on_commit_callbacks)

    snapshot = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert snapshot.version_label == "2.0" and snapshot.material
    deadline = late + LATE_REATTEST_NOTICE
    assert list(ReattestationRound.objects.values_list("snapshot_id", "deadline")) == [(snapshot.pk, deadline)]
    row = RequirementStatus.objects.get()  # the person's, for attesting the policy
    assert row.due_on == deadline and row.state(late) != status.COMPLIANT  # 1.0 no longer counts
    assert row.state(deadline) != status.OVERDUE and row.state(deadline + datetime.timedelta(days=1)) == status.OVERDUE

    (email,) = mailoutbox
    assert email.to == ["erin.editor@example.nhs.uk"]
    assert email.subject == f"Social Media and Digital Content Policy: re-attest by {deadline:%-d %B %Y}"
    assert (
        f"Version 2.0 of the Social Media and Digital Content Policy went live on {late:%-d %B %Y}, when its "
        f"re-attest by date, {today + datetime.timedelta(days=10):%-d %B %Y}, had passed." in email.body
    )
    assert f"they have until {deadline:%-d %B %Y}, 28 days from the day it went live." in email.body
    edit = reverse("wagtailadmin_pages:edit", args=[policy.pk])
    assert f"The policy in the CMS: {settings.WAGTAILADMIN_BASE_URL}{edit}" in email.body


def test_a_date_still_ahead_when_it_goes_live_is_kept(policy, editor, mailoutbox, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    publish = _go_live_by_schedule(policy, editor, today)
    _publish_on(today + datetime.timedelta(days=4), publish, django_capture_on_commit_callbacks)
    assert ReattestationRound.objects.get().deadline == today + datetime.timedelta(days=10)
    assert mailoutbox == []
