"""`db_roles --apply` said "Granted ...: the ledger and audit log are append-only" to an app role that could rewrite
them whatever was granted: a PostgreSQL superuser, or a member of the role that owns the tables (an IT officer's
"GRANT portal_owner TO portal_app" to make something work), which has the owner's rights: to UPDATE the ledger, and
to drop its triggers. For a superuser it went on to say it "may still create tables in the schema public, as every
role may there on PostgreSQL 14 and earlier" and to run a REVOKE from PUBLIC that changes nothing for it. Each is now
refused before anything is granted, naming what the role is and the statement that takes it back."""

import os
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.dbrole import APP_ROLE, as_owner

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles exist only on PostgreSQL"),
    pytest.mark.django_db,
]


@contextmanager
def _role(suffix: str, *statements: str):
    """A role of this test's own (roles are the server's, shared by every database on it), dropped after (the test's
    transaction would take it back too)."""
    name = f"{APP_ROLE}_{suffix}_{os.getpid()}"
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        owner, superuser = cursor.fetchone()
        if not superuser:
            pytest.skip("making a superuser, or a member of the owner, takes a superuser")
        cursor.execute(f'CREATE ROLE "{name}" NOLOGIN')
        try:
            for sql in statements:
                cursor.execute(sql.format(role=f'"{name}"', owner=f'"{owner}"'))
            yield name
        finally:
            cursor.execute(f'DROP OWNED BY "{name}"')  # the grants, had any been made
            cursor.execute(f'DROP ROLE "{name}"')


def _grants(role: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = %s", [role])
        return cursor.fetchone()[0]


def test_a_superuser_app_role_is_refused_and_nothing_granted():
    with _role("su", "ALTER ROLE {role} SUPERUSER") as role:
        with as_owner(), pytest.raises(CommandError) as refused:
            call_command("db_roles", "--app-role", role, "--apply", stdout=StringIO())
        assert _grants(role) == 0
    assert str(refused.value) == (
        f"{role} is a PostgreSQL superuser: it may change or delete any row, the ledger's and the audit log's "
        f"included, whatever is granted. As a superuser, run ALTER ROLE {role} NOSUPERUSER; then run this again. "
        "Nothing was changed."
    )


def test_an_app_role_in_the_owner_role_is_refused_and_nothing_granted():
    with _role("in_owner", "GRANT {owner} TO {role}") as role:
        with as_owner(), pytest.raises(CommandError) as refused:
            call_command("db_roles", "--app-role", role, "--apply", stdout=StringIO())
        with as_owner(), connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
        assert _grants(role) == 0
    assert str(refused.value) == (
        f"{role} is a member of {owner}, the role that owns the tables, so it has the owner's rights: to change the "
        f"ledger and the audit log, and to drop their triggers. As a superuser, run REVOKE {owner} FROM {role}; then "
        "run this again. Nothing was changed."
    )
