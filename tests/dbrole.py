"""On PostgreSQL the suite runs as the application's own database role, as production does.

The test database is created and migrated by the DATABASE_URL user (the owner), which then grants the app role its
rights (`portal.compliance.roles`) and switches every connection to it with SET ROLE: a write the app role may not make
fails the test that makes it. The owner comes back only for what the owner does: flushing tables between
transactional tests, dropping triggers to play an attacker who controls the database, dropping the test database.
SET ROLE rather than a second login keeps one connection, so an owner's step inside a test sees the test's own rows.
"""

import fcntl
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connection as default_connection
from django.db.backends.signals import connection_created

APP_ROLE = os.environ.get("PORTAL_TEST_APP_ROLE", "portal_test_app")
_acting = {"as_app": False}


def _set_role(connection, as_app: bool) -> None:
    if connection.vendor == "postgresql" and connection.connection is not None:
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{APP_ROLE}"' if as_app else "SET ROLE NONE")


def _on_connect(sender, connection, **kwargs):
    if _acting["as_app"]:
        _set_role(connection, as_app=True)


connection_created.connect(_on_connect)


def app_role_create_and_grant(connection) -> None:
    """Create the app role if this server lacks it (roles are shared by every database on it) and grant it its
    rights in the test database, as the owner (a superuser, or a role with CREATEROLE)."""
    from portal.compliance.roles import app_role_grants

    # Parallel test workers (pytest-xdist) each have their own database but share the server's roles: two creating
    # or granting the same role at once can fail with a unique violation or "tuple concurrently updated".
    lock_path = Path(tempfile.gettempdir()) / f"portal-test-role-{APP_ROLE}.lock"
    with lock_path.open("a") as lock, connection.cursor() as cursor:
        fcntl.flock(lock, fcntl.LOCK_EX)
        cursor.execute(
            f'DO $$ BEGIN CREATE ROLE "{APP_ROLE}" NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$'
        )
        cursor.execute(f'GRANT "{APP_ROLE}" TO CURRENT_USER')  # SET ROLE needs membership, unless a superuser
        for sql in app_role_grants(APP_ROLE, database=connection.settings_dict["NAME"]):
            cursor.execute(sql)


def act_as_app(connection=default_connection) -> None:
    _acting["as_app"] = connection.vendor == "postgresql"
    _set_role(connection, as_app=_acting["as_app"])


def act_as_owner(connection=default_connection) -> None:
    _acting["as_app"] = False
    _set_role(connection, as_app=False)


@contextmanager
def as_owner(connection=default_connection):
    """Run the block as the tables' owner (on SQLite there are no roles: it just runs)."""
    was_app = _acting["as_app"]
    act_as_owner(connection)
    try:
        yield
    finally:
        if was_app:
            act_as_app(connection)


@contextmanager
def owner_without_ledger_triggers(connection=default_connection):
    """What whoever controls the database can do: drop the ledger's triggers, change rows, put the triggers back."""
    from portal.compliance.db import drop_ledger_triggers, install_ledger_triggers

    with as_owner(connection):
        drop_ledger_triggers(connection)
        try:
            yield
        finally:
            install_ledger_triggers(connection)
