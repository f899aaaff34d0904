"""Database triggers that make the evidence ledger append-only, on PostgreSQL and SQLite.

Two rules, enforced by the database whoever connects:

- no entry is ever updated or deleted (nor the table truncated, on PostgreSQL);
- the head table can only name the ledger's last entry: its sequence number and hash. So the head advances with each
  append and can never be wound back or pointed at a forged hash without rewriting the entries themselves, which the
  first rule refuses.

Only the table's owner can drop or disable these triggers; the application connects as a role that is not the owner
(docs/deploy.md, `manage.py db_roles`).
"""

from portal.lib.dbtriggers import execute_for_vendor

TABLE = "compliance_evidenceentry"
HEAD_TABLE = "compliance_ledgerhead"
GENESIS = "0" * 64
MESSAGE = "The evidence ledger is append-only: record a correction instead of changing or deleting an entry."
HEAD_MESSAGE = "The ledger head can only name the ledger's last entry: it moves only when an entry is appended."
_HEAD_MESSAGE_SQL = HEAD_MESSAGE.replace("'", "''")

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
    f"""
    CREATE OR REPLACE FUNCTION compliance_head_follows_ledger() RETURNS trigger AS $$
    DECLARE
        last_seq bigint := 0;
        last_hash varchar := '{GENESIS}';
    BEGIN
        IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM {HEAD_TABLE} WHERE id = NEW.id) THEN
            RETURN NEW;  -- refused anyway, as a duplicate key: what get_or_create expects when it races another
        END IF;
        SELECT seq, content_hash INTO last_seq, last_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1;
        IF NEW.id <> 1 OR NEW.seq IS DISTINCT FROM coalesce(last_seq, 0)
           OR NEW.head_hash IS DISTINCT FROM coalesce(last_hash, '{GENESIS}') THEN
            RAISE EXCEPTION '{_HEAD_MESSAGE_SQL}';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql
    """,  # noqa: S608 (constants only: no input reaches this SQL)
    f"DROP TRIGGER IF EXISTS ledger_head_follows_ledger ON {HEAD_TABLE}",
    f"""CREATE TRIGGER ledger_head_follows_ledger BEFORE INSERT OR UPDATE ON {HEAD_TABLE}
        FOR EACH ROW EXECUTE FUNCTION compliance_head_follows_ledger()""",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS evidence_no_update_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS evidence_no_truncate ON {TABLE}",
    f"DROP TRIGGER IF EXISTS ledger_head_follows_ledger ON {HEAD_TABLE}",
]

_SQLITE_HEAD_IS_WRONG = f"""
    NEW.id <> 1
    OR NEW.seq IS NOT coalesce((SELECT max(seq) FROM {TABLE}), 0)
    OR NEW.head_hash IS NOT coalesce((SELECT content_hash FROM {TABLE} ORDER BY seq DESC LIMIT 1), '{GENESIS}')
"""  # noqa: S608 (constants only)
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS evidence_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS evidence_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_head_insert_follows_ledger BEFORE INSERT ON {HEAD_TABLE}
        WHEN NOT EXISTS (SELECT 1 FROM {HEAD_TABLE} WHERE id = NEW.id) AND ({_SQLITE_HEAD_IS_WRONG})
        BEGIN SELECT RAISE(ABORT, '{_HEAD_MESSAGE_SQL}'); END""",  # noqa: S608 (constants only)
    f"""CREATE TRIGGER IF NOT EXISTS ledger_head_update_follows_ledger BEFORE UPDATE ON {HEAD_TABLE}
        WHEN {_SQLITE_HEAD_IS_WRONG} BEGIN SELECT RAISE(ABORT, '{_HEAD_MESSAGE_SQL}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS evidence_no_update",
    "DROP TRIGGER IF EXISTS evidence_no_delete",
    "DROP TRIGGER IF EXISTS ledger_head_insert_follows_ledger",
    "DROP TRIGGER IF EXISTS ledger_head_update_follows_ledger",
]


def install_ledger_triggers(connection) -> None:
    execute_for_vendor(connection, postgresql=POSTGRES_INSTALL, sqlite=SQLITE_INSTALL)


def drop_ledger_triggers(connection) -> None:
    """Only for test teardown (flushing a test database) and for proving verify_evidence catches tampering.
    Needs the table's owner: the application's own role is refused."""
    execute_for_vendor(connection, postgresql=POSTGRES_DROP, sqlite=SQLITE_DROP)
