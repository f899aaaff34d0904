"""Each policy version that goes live is a line in the portal's audit log ("Published a policy version"), beside the
requirements and roles HR changes: who published it, what changed, and, for a material change, that everyone must
attest again and by when. It was recorded only in its own rows and in Wagtail's page history, so an auditor reading
the audit log for a year saw the requirements and roles change but never the policy they were about."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from modules.models import PolicyPage
from portal.audit.models import AuditEvent
from portal.compliance.models import PolicySnapshot, Requirement
from tests import factories
from tests.compliance.test_attestation import draft_new_version


def _published(policy):
    return AuditEvent.objects.filter(action=AuditEvent.POLICY_PUBLISHED, detail__page_id=policy.pk).order_by("pk")


def test_a_material_version_is_audited_with_its_round_and_who_published_it(policy):
    first = _published(policy).get()  # the fixture's first version went live
    assert first.detail["previous_version"] is None and first.detail["reattest_by"] is None
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    editor = factories.make_user(first_name="Erin", last_name="Editor")
    editor.groups.add(Group.objects.get(name="Moderators"))
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    page = draft_new_version(
        policy,
        "2.0",
        PolicyPage.MATERIAL,
        reason="Disclaimer now required",
        deadline=deadline,
        section_text="Always use the disclaimer.",
    )

    page.save_revision(user=editor).publish(user=editor)

    event = _published(policy).last()
    snapshot = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert event.actor == editor and event.scope == f"{snapshot.title}, version 2.0"
    assert event.detail["snapshot_id"] == snapshot.pk and event.detail["previous_version"] == first.scope.split()[-1]
    assert event.detail["material"] is True and event.detail["reason"] == "Section 6.2: Disclaimer now required"
    assert event.detail["reattest_by"] == deadline.isoformat()
    assert event.detail["requirements_asking_again"] == [requirement.pk]
    assert event.detail["sections_changed"] == [change["number"] for change in snapshot.changes]


def test_publishing_the_same_version_again_is_not_a_new_line(policy):
    before = _published(policy).count()
    PolicyPage.objects.get(pk=policy.pk).save_revision().publish()
    assert _published(policy).count() == before
