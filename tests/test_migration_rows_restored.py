"""After a transactional test empties the database, the next test gets Wagtail's groups back with their permissions,
and no audit event claiming someone changed them: putting them back through the relation sent m2m_changed, whose
receiver audited "Group Editors: permissions changed" into the rows the next test read."""

import pytest
from django.contrib.auth.models import Group

from portal.audit.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_a_transactional_one():
    assert Group.objects.filter(name="Editors").exists()


@pytest.mark.django_db(transaction=True)
def test_after_the_flush_the_groups_are_back_without_audit_events():
    assert Group.objects.get(name="Editors").permissions.count() == 9
    assert not AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED).exists(), list(AuditEvent.objects.all())
