"""The audit log is append-only in the database itself, like the evidence ledger: its triggers refuse even the tables'
owner (the app role is refused before the triggers are reached: tests/compliance/test_db_roles.py)."""

import pytest
from django.db import DatabaseError, connection, transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from tests import factories
from tests.dbrole import as_owner


@pytest.fixture
def event(person):
    return audit_record(actor=person, action=AuditEvent.EXPORT, scope="Ward 3", format="csv")


def _refused(work):
    with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        work()


def test_an_event_cannot_be_changed(event):
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(scope="nothing to see"))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(actor=None, actor_name="someone else"))
    event.refresh_from_db()
    assert (event.scope, event.actor_name) == ("Ward 3", "Priya Shah")


def test_an_event_cannot_be_deleted(event):
    # The raw delete goes straight to SQL, so only the trigger stands in the way.
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk)._raw_delete(using="default"))
    _refused(lambda: connection.cursor().execute("DELETE FROM audit_auditevent"))
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE triggers exist only on PostgreSQL")
def test_the_log_cannot_be_truncated(event):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle the test transaction's deferred FK checks
    _refused(lambda: connection.cursor().execute("TRUNCATE audit_auditevent"))
    assert AuditEvent.objects.count() == 1


def test_removing_an_account_keeps_its_events_under_the_name_it_had(db):
    user = factories.make_user(first_name="Leah", last_name="Leaver", email="leah@example.nhs.uk")
    audit_record(actor=user, action=AuditEvent.SIGN_IN, scope=user.email)
    user.delete()  # the one change the log allows: the link to the account is cleared
    event = AuditEvent.objects.get()
    assert event.actor is None
    assert (event.actor_name, event.scope) == ("Leah Leaver", "leah@example.nhs.uk")
