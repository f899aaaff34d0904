"""A material version that goes live after its re-attest by date emails its editor the new date. With the mail server
down at that moment, the version had gone live (committed) but the email's failure was raised from the commit: a
moderator approving it got a server error for a version that was live, and `publish_scheduled` stopped before the
other pages due. The failure is now logged, naming the editor and the date the email would have given; the version,
its round and the warning in the log stand."""

import datetime
import logging

from django.utils import timezone

from portal.compliance.models import PolicySnapshot, ReattestationRound
from tests.mail_down import DOWN
from tests.modules.test_policy_publish_after_deadline import (  # noqa: F401 - fixtures
    _go_live_by_approval,
    _go_live_by_schedule,
    _publish_on,
    attestation,
    editor,
    staff,
)


def test_a_late_version_goes_live_with_the_mail_server_down(
    policy,
    editor,  # noqa: F811
    settings,
    caplog,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = DOWN
    today = timezone.localdate()
    late = today + datetime.timedelta(days=15)
    with caplog.at_level(logging.ERROR, logger="modules.publishing"):
        _publish_on(late, _go_live_by_approval(policy, editor, today), django_capture_on_commit_callbacks)
    snapshot = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert snapshot.version_label == "2.0"
    assert ReattestationRound.objects.get().snapshot_id == snapshot.pk
    assert "Could not email erin.editor@example.nhs.uk" in caplog.text


def test_publish_scheduled_goes_on_with_the_mail_server_down(
    policy,
    editor,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = DOWN
    today = timezone.localdate()
    _publish_on(
        today + datetime.timedelta(days=15),
        _go_live_by_schedule(policy, editor, today),
        django_capture_on_commit_callbacks,
    )
    assert PolicySnapshot.objects.filter(page_id=policy.pk).latest().version_label == "2.0"
