"""Database triggers that make the audit log append-only, on PostgreSQL and SQLite.

One change is allowed: when an account is removed, its events lose the link to it (`actor` is SET_NULL) and keep
`actor_name`. Everything else about an event, once written, stays as it was.
"""

from portal.lib.dbtriggers import execute_for_vendor

TABLE = "audit_auditevent"
MESSAGE = "The audit log is append-only: its events cannot be changed or deleted."
# Every column but actor_id: an UPDATE that touches any of them is refused.
KEPT_COLUMNS = ["id", "at", "actor_name", "action", "scope", "as_at", "detail"]

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
           AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION '{MESSAGE}';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    f"""CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS audit_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_no_truncate ON {TABLE}",
]
_SQLITE_CHANGED = " OR ".join([f"NEW.{column} IS NOT OLD.{column}" for column in KEPT_COLUMNS])
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        WHEN NEW.actor_id IS NOT NULL OR {_SQLITE_CHANGED}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]


def install_audit_triggers(connection) -> None:
    execute_for_vendor(connection, postgresql=POSTGRES_INSTALL, sqlite=SQLITE_INSTALL)


def drop_audit_triggers(connection) -> None:
    """Only for test teardown (flushing a test database). Needs the table's owner."""
    execute_for_vendor(connection, postgresql=POSTGRES_DROP, sqlite=SQLITE_DROP)
