"""The application's database role on PostgreSQL: everything it needs, and nothing that could rewrite evidence.

Migrations run as the role that owns the tables; the web processes, the task worker and cron connect as another. That
role reads and writes the ordinary tables, but on the evidence ledger and the audit log it may only read and add rows:
no UPDATE, DELETE or TRUNCATE, and, not being the owner, it cannot ALTER the tables or drop or disable their triggers.
It writes the ledger's head only as the append path does (a trigger keeps the head on the last entry), and in the
audit log it may only clear the link to an account being removed (the event keeps the name). The same holds for the
tables of what stays as it was written (`FROZEN_TABLES`): the policy versions attestations name, re-attestation
rounds and their withdrawals, the history of the team tree, of the roster, of people's names and numbers and of
requirements' terms, and each certificate's code with the facts it was printed with.
"""

import re

from portal.audit.db import TABLE as AUDIT_TABLE
from portal.people.models import IdentityChange, StaffChange, TeamChange

from .db import HEAD_TABLE
from .db import TABLE as LEDGER_TABLE
from .models import PolicySnapshot, ReattestationRound, RequirementChange, RoundWithdrawal, VerificationCode

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
# Tables the app role may read and add to but not change, with the column naming an account (SET NULL when it is
# removed), if any.
FROZEN_TABLES = (
    (PolicySnapshot._meta.db_table, "created_by_id"),
    (ReattestationRound._meta.db_table, "opened_by_id"),
    (RoundWithdrawal._meta.db_table, "withdrawn_by_id"),
    (TeamChange._meta.db_table, None),
    (StaffChange._meta.db_table, None),
    (IdentityChange._meta.db_table, None),
    (RequirementChange._meta.db_table, None),
    (VerificationCode._meta.db_table, None),
)


def app_role_grants(app_role: str, *, database: str, schema: str = "public") -> list[str]:
    """The statements that give `app_role` its rights, to run as the owner after each `migrate` (idempotent).
    ALTER DEFAULT PRIVILEGES extends the ordinary rights to tables the owner creates later."""
    for name in (app_role, database, schema):
        if not ROLE_NAME.match(name):
            raise ValueError(f"{name!r} is not a plain PostgreSQL name (lower-case letters, digits, underscores).")
    app = f'"{app_role}"'
    return [
        f'GRANT CONNECT ON DATABASE "{database}" TO {app}',
        f'GRANT USAGE ON SCHEMA "{schema}" TO {app}',
        f'REVOKE CREATE ON SCHEMA "{schema}" FROM {app}',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {app}',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {app}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {app}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT USAGE, SELECT ON SEQUENCES TO {app}',
        # The ledger: read and append.
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {LEDGER_TABLE} FROM {app}",
        # The head: INSERT and UPDATE stay (appends move it, and locking it needs UPDATE), but its trigger refuses any
        # value other than the ledger's last entry.
        f"REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON {HEAD_TABLE} FROM {app}",
        # The audit log: read and append; clearing the link to a removed account is the one update.
        f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {AUDIT_TABLE} FROM {app}",
        f"GRANT UPDATE (actor_id) ON {AUDIT_TABLE} TO {app}",
        # What stays as it was written: each policy version as published (what attestations name; `verify_evidence`
        # checks its text too), each re-attestation round (its deadline and opening say who was late) and its
        # withdrawal, the team tree's, the roster's and requirements' history. Read and add; clearing the link to an
        # account being removed is the one update, and that column's right also lets a round's row be locked (SELECT
        # ... FOR UPDATE) to withdraw it.
        *(
            statement
            for table, account_column in FROZEN_TABLES
            for statement in (
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {app}",
                *([f"GRANT UPDATE ({account_column}) ON {table} TO {app}"] if account_column else []),
            )
        ),
    ]
