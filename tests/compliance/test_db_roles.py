"""On PostgreSQL the portal connects as a role that may read and add evidence but never change it (and the whole
suite runs as that role: tests/dbrole.py). Here, each way round that the role might try is refused."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.models import EvidenceEntry, LedgerHead
from tests.dbrole import APP_ROLE, as_owner

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles exist only on PostgreSQL"),
    pytest.mark.django_db,
]


def _refused(sql, params=(), match="permission denied|must be owner"):
    with pytest.raises(DatabaseError, match=match), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_suite_runs_as_the_app_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == APP_ROLE


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE compliance_evidenceentry SET reason = 'rewritten'",
        "DELETE FROM compliance_evidenceentry",
        "TRUNCATE compliance_evidenceentry CASCADE",
        "ALTER TABLE compliance_evidenceentry DISABLE TRIGGER evidence_no_update_delete",
        "ALTER TABLE compliance_evidenceentry DISABLE TRIGGER ALL",
        "DROP TRIGGER evidence_no_update_delete ON compliance_evidenceentry",
        "ALTER TABLE compliance_evidenceentry ADD COLUMN note text",
        "ALTER TABLE compliance_ledgerhead DISABLE TRIGGER ledger_head_follows_ledger",
        "DELETE FROM compliance_ledgerhead",
        "TRUNCATE compliance_ledgerhead",
    ],
)
def test_the_app_role_cannot_change_remove_or_unguard_evidence(record, sql):
    record("a")
    record("b")
    _refused(sql)
    assert EvidenceEntry.objects.count() == 2
    assert LedgerHead.objects.get().seq == 2


def test_the_app_role_cannot_wind_the_head_back_or_point_it_at_a_forged_hash(record):
    first = record("a")
    record("b")
    _refused("UPDATE compliance_ledgerhead SET seq = 1, head_hash = %s", [first.content_hash], match="last entry")
    _refused("UPDATE compliance_ledgerhead SET head_hash = %s", ["f" * 64], match="last entry")
    assert LedgerHead.objects.get().seq == 2


def test_the_app_role_cannot_skip_triggers_by_replication_mode():
    _refused("SET session_replication_role = replica")


def test_the_app_role_cannot_change_or_remove_audit_events(person):
    event = audit_record(actor=person, action=AuditEvent.SIGN_IN, scope=person.email)
    for sql in [
        "UPDATE audit_auditevent SET scope = 'someone else'",
        "UPDATE audit_auditevent SET actor_name = 'someone else', actor_id = NULL",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    ]:
        _refused(sql)
    event.refresh_from_db()
    assert event.scope == person.email and event.actor == person


def test_the_app_role_may_still_add_evidence_and_advance_the_head(record):
    entry = record("a")
    assert LedgerHead.objects.get().head_hash == entry.content_hash


def test_db_roles_prints_the_grants_for_ops():
    out = StringIO()
    call_command("db_roles", "--app-role", "portal_app", stdout=out)
    text = out.getvalue()
    assert "CREATE ROLE portal_app LOGIN" in text
    assert 'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON compliance_evidenceentry FROM "portal_app"' in text
    assert 'GRANT UPDATE (actor_id) ON audit_auditevent TO "portal_app"' in text


def test_db_roles_refuses_a_name_it_would_have_to_quote():
    with pytest.raises(CommandError, match="not a plain PostgreSQL name"):
        call_command("db_roles", "--app-role", 'app"; DROP TABLE x; --', stdout=StringIO())


def test_db_roles_will_not_apply_as_the_app_role_itself():
    with pytest.raises(CommandError, match="run this as the role that owns the tables"):
        call_command("db_roles", "--app-role", APP_ROLE, "--apply", stdout=StringIO())


def test_db_roles_applies_as_the_owner_and_is_idempotent():
    with as_owner():
        out = StringIO()
        call_command("db_roles", "--app-role", APP_ROLE, "--apply", stdout=out)
    assert "append-only" in out.getvalue()
    _refused("DELETE FROM compliance_evidenceentry")


@pytest.mark.parametrize("owner", [True, False], ids=["as the owner", "as another role"])
def test_db_roles_that_postgresql_refuses_says_what_it_said_not_a_traceback(owner):
    """A role not made yet (as the owner), or grants on tables the role connected does not own: PostgreSQL's refusal
    in one line, nothing changed (the grants run in one transaction)."""
    with as_owner() if owner else transaction.atomic(), pytest.raises(CommandError) as refused:
        call_command("db_roles", "--app-role", "no_such_portal_role", "--apply", stdout=StringIO())
    message = str(refused.value)
    assert message.startswith("The grants were not applied (nothing was changed): PostgreSQL said: "), message
    assert "no_such_portal_role" in message or "must be owner" in message or "permission denied" in message
    assert "\n" not in message
