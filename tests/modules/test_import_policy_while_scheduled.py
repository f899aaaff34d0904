"""While a version of a policy is scheduled to go live, `import_policy --into` saves nothing, as the CMS saves nothing
(Wagtail locks the page until the version goes live or its schedule is cancelled). The command saved its draft under
the schedule: the page's latest revision, answered against the version before the scheduled one, which a workflow
approval or the bulk publish would then try to publish."""

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from modules.models import PolicyPage
from tests import factories
from tests.modules.test_policy_scheduled_version import (
    _edit_form,
    _go_live_day,
    _live,
    _run_the_schedule,
    _schedule_version_2,
    _with_version_1_1,
)

VERSION_3 = """Social Media and Digital Content Policy

1. Principles

Principles.

1.1 Best practice

Speak only for yourself.
"""


@pytest.fixture
def editor(db):
    user = factories.make_user(first_name="Erin", last_name="Editor", email="erin.editor@example.nhs.uk")
    user.groups.add(Group.objects.get(name="Moderators"))
    return factories.with_mfa(user)


@pytest.fixture
def version_3(tmp_path) -> str:
    path = tmp_path / "policy-v3.txt"
    path.write_text(VERSION_3, encoding="utf-8")
    return str(path)


def _latest_revision_id(policy) -> int:
    return PolicyPage.objects.get(pk=policy.pk).latest_revision_id


def test_a_version_is_not_imported_while_another_is_scheduled_as_the_cms_saves_none(policy, editor, version_3):
    client = factories.sign_in(Client(), editor)
    form = _with_version_1_1(_edit_form(client, policy), policy)
    scheduled = _schedule_version_2(policy, editor)
    before = _latest_revision_id(policy)

    # The front door: the CMS's save of a draft is refused by the schedule's lock.
    client.post(reverse("wagtailadmin_pages:edit", args=[policy.pk]), form)
    assert _latest_revision_id(policy) == before

    with pytest.raises(CommandError) as refused:
        call_command("import_policy", version_3, "--into", str(policy.pk), "--version", "3.0", stdout=StringIO())

    go_live = _go_live_day()
    assert str(refused.value) == (
        f"Version 2.0 of “Social Media and Digital Content Policy” is scheduled to go live on {go_live:%-d %B %Y} at "
        "12:00, and the policy cannot be changed before then. Import the next version once it has gone live, or "
        "cancel the scheduled publish (“Cancel scheduled publish” on the policy's edit page) and import it again. "
        "Nothing was saved."
    )
    page = PolicyPage.objects.get(pk=policy.pk)
    assert (page.latest_revision_id, page.scheduled_revision) == (before, scheduled)
    _run_the_schedule()
    assert _live(policy) == "2.0"
    assert not PolicyPage.objects.get(pk=policy.pk).has_unpublished_changes

    call_command("import_policy", version_3, "--into", str(policy.pk), "--version", "3.0", stdout=StringIO())
    assert PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object().version_label == "3.0"


def test_once_the_schedule_is_cancelled_the_version_is_imported(policy, editor, version_3):
    scheduled = _schedule_version_2(policy, editor)
    client = factories.sign_in(Client(), editor)
    client.post(reverse("wagtailadmin_pages:revisions_unschedule", args=[policy.pk, scheduled.pk]))

    report = StringIO()
    call_command("import_policy", version_3, "--into", policy.slug, "--version", "3.0", stdout=report)

    assert "Saved version 3.0" in report.getvalue()
    page = PolicyPage.objects.get(pk=policy.pk)
    assert page.get_latest_revision_as_object().version_label == "3.0" and page.version_label == "1.0"
