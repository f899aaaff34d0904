"""PostgreSQL 14 and earlier let every role create tables in the schema public (CREATE is granted to PUBLIC), and
only the schema's owner, a superuser there, can take that back. `db_roles --apply`, run as the tables' owner as
docs/deploy.md says, revoked CREATE from the portal's role alone, which changed nothing, and said "Granted": the
portal's role could still create tables, which docs/deploy.md says it must never. It now checks what the role can do
after the grants, and names the statement a superuser runs."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.dbrole import APP_ROLE, as_owner

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles exist only on PostgreSQL"),
    pytest.mark.django_db,
]


def _app_may_create() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", [APP_ROLE])
        return cursor.fetchone()[0]


def test_a_schema_every_role_may_create_in_is_named_with_the_statement_that_closes_it():
    with as_owner():
        with connection.cursor() as cursor:
            cursor.execute("GRANT CREATE ON SCHEMA public TO PUBLIC")  # as PostgreSQL 14 makes every database
        with pytest.raises(CommandError) as refused:
            call_command("db_roles", "--app-role", APP_ROLE, "--apply", stdout=StringIO())
        assert _app_may_create()
    message = str(refused.value)
    assert message.startswith(f"The grants were applied, but {APP_ROLE} may still create tables in the schema public")
    assert "REVOKE CREATE ON SCHEMA public FROM PUBLIC;" in message
    assert "docs/deploy.md, section 2" in message


def test_once_closed_the_grants_are_applied_and_say_so():
    with as_owner():
        with connection.cursor() as cursor:
            cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        out = StringIO()
        call_command("db_roles", "--app-role", APP_ROLE, "--apply", stdout=out)
        assert not _app_may_create()
    assert "append-only" in out.getvalue()
