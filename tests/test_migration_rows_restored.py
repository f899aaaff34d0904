"""After a transactional test empties the database, the next test gets Wagtail's groups back with their permissions,
and no audit event claiming someone changed them: putting them back through the relation sent m2m_changed, whose
receiver audited "Group Editors: permissions changed" into the rows the next test read. The default workflow comes
back too: a version submitted for moderation in a test after a flush found none (tests/modules/
test_policy_published_by.py failed in CI's PostgreSQL pass on the worker that had run a browser journey first)."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from portal.audit.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_a_transactional_one():
    assert Group.objects.filter(name="Editors").exists()


@pytest.mark.django_db(transaction=True)
def test_after_the_flush_the_groups_are_back_without_audit_events():
    assert Group.objects.get(name="Editors").permissions.count() == 9
    assert not AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED).exists(), list(AuditEvent.objects.all())


@pytest.mark.django_db(transaction=True)
def test_after_the_flush_the_root_page_has_its_moderators_approval_workflow():
    workflow = Page.objects.get(depth=1).get_workflow()
    assert workflow is not None and workflow.name == "Moderators approval"
    (task,) = [task.specific for task in workflow.tasks.all()]
    assert [group.name for group in task.groups.all()] == ["Moderators"]
