"""A policy version published by someone a requirement asks to attest that policy is allowed (an editor publishing the
policy they are asked to read is their job), but its audit line says so: whether a change is marked material decides
whether everyone, the editor among them, must attest again, so an auditor can pick out a minor change published by
someone it spared. Published by an editor it does not ask, the line reads as before."""

import pytest
from django.contrib.auth.models import Group

from modules.models import PolicyPage
from portal.audit.models import AuditEvent
from portal.compliance.models import Requirement
from tests import factories
from tests.compliance.test_attestation import draft_new_version


def _editor(*, asked: bool):
    editor = factories.make_user(first_name="Erin", last_name="Editor")
    editor.groups.add(Group.objects.get(name="Moderators"))
    if asked:
        factories.make_staff(user=editor)
    return editor


@pytest.mark.parametrize("asked, said", [(True, ": published by someone it asks"), (False, "")])
def test_a_minor_version_published_by_someone_it_asks_says_so(policy, asked, said):
    factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    editor = _editor(asked=asked)
    page = draft_new_version(policy, "1.1", PolicyPage.MINOR, reason="Typo", section_text="Speak for yourself!")

    page.save_revision(user=editor).publish(user=editor)

    event = AuditEvent.objects.filter(action=AuditEvent.POLICY_PUBLISHED, detail__page_id=policy.pk).latest("pk")
    assert event.actor == editor and event.detail["material"] is False
    assert event.scope.endswith(f"version 1.1{said}")
    assert event.detail.get("asked_the_actor", False) is asked
