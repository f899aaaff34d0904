"""Database triggers that make the evidence ledger append-only, on PostgreSQL and SQLite."""

TABLE = "compliance_evidenceentry"
MESSAGE = "The evidence ledger is append-only: record a correction instead of changing or deleting an entry."

POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION compliance_refuse_ledger_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS evidence_no_update_delete ON {TABLE}",
    f"""CREATE TRIGGER evidence_no_update_delete BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION compliance_refuse_ledger_change()""",
    f"DROP TRIGGER IF EXISTS evidence_no_truncate ON {TABLE}",
    f"""CREATE TRIGGER evidence_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION compliance_refuse_ledger_change()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS evidence_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS evidence_no_truncate ON {TABLE}",
]
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS evidence_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS evidence_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS evidence_no_update", "DROP TRIGGER IF EXISTS evidence_no_delete"]


def _statements(connection, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_DROP
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_DROP
    raise RuntimeError(f"The portal supports PostgreSQL and SQLite, not {connection.vendor}.")


def install_ledger_triggers(connection) -> None:
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def drop_ledger_triggers(connection) -> None:
    """Only for test teardown (flushing a test database) and for proving verify_evidence catches tampering."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)
