from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from portal.compliance.roles import ROLE_NAME, app_role_grants

SETUP = """\
-- Once, as a PostgreSQL superuser (passwords of your own):
--   CREATE ROLE {owner} LOGIN PASSWORD '...';
--   CREATE ROLE {app} LOGIN PASSWORD '...';
--   CREATE DATABASE {database} OWNER {owner};
-- On PostgreSQL 14 or earlier (every role may create tables in public there), connected to {database}:
--   REVOKE CREATE ON SCHEMA public FROM PUBLIC;
-- Then, connected to {database} as the owner, after every `migrate` (this command with --apply does it):"""


class Command(BaseCommand):
    help = (
        "Print (or, with --apply, run as the owner) the grants for the application's PostgreSQL role: ordinary "
        "tables read and write; the evidence ledger and the audit log read and append only (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--app-role", required=True, help="the role the portal's processes connect as")
        parser.add_argument(
            "--owner-role",
            default="portal_owner",
            help="the role that owns the tables and runs the migrations, named in the statements printed without "
            "--apply (default: portal_owner); --apply runs the grants as the role DATABASE_URL connects as",
        )
        parser.add_argument("--apply", action="store_true", help="run the grants now, connected as the owner")

    def handle(self, *args, app_role, owner_role, apply, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Database roles apply to PostgreSQL; this database is " + connection.vendor + ".")
        database = connection.settings_dict["NAME"]
        try:
            statements = app_role_grants(app_role, database=database)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not ROLE_NAME.match(owner_role):
            raise CommandError(
                f"--owner-role: {owner_role!r} is not a plain PostgreSQL name (lower-case letters, "
                "digits, underscores). Nothing was printed or changed."
            )
        if owner_role == app_role:
            raise CommandError(
                f"--owner-role and --app-role are both {app_role}: the portal's own role must not own "
                "the tables (docs/deploy.md, section 2). Nothing was printed or changed."
            )
        if not apply:
            self.stdout.write(SETUP.format(owner=owner_role, app=app_role, database=database))
            self.stdout.write(";\n".join(statements) + ";")
            return
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT current_user")
                owner = cursor.fetchone()[0]
                if owner == app_role:
                    raise CommandError(f"Connected as {app_role} itself: run this as the role that owns the tables.")
                _refuse_owner_rights(cursor, app_role=app_role, owner=owner)
                for sql in statements:
                    cursor.execute(sql)
        except DatabaseError as error:  # no such role, or not connected as the tables' owner
            said = (str(error).strip().splitlines() or [error.__class__.__name__])[0]
            raise CommandError(
                f"The grants were not applied (nothing was changed): PostgreSQL said: {said}. Make the role first "
                "(the statements without --apply say how), and run this connected as the role that owns the tables."
            ) from error
        with connection.cursor() as cursor:
            cursor.execute("SELECT has_schema_privilege(%s, 'public', 'CREATE')", [app_role])
            may_create = cursor.fetchone()[0]
        if may_create:  # through PUBLIC (PostgreSQL 14 and earlier), which only the schema's owner can revoke
            raise CommandError(
                f"The grants were applied, but {app_role} may still create tables in the schema public, as every role "
                "may there on PostgreSQL 14 and earlier, and only the schema's owner can take that back. As a "
                f"PostgreSQL superuser connected to {database}, run REVOKE CREATE ON SCHEMA public FROM PUBLIC; "
                "then run this again (docs/deploy.md, section 2)."
            )
        self.stdout.write(f"Granted {app_role} its rights on {database}: the ledger and audit log are append-only.")


def _refuse_owner_rights(cursor, *, app_role: str, owner: str) -> None:
    """Refuse an app role that could rewrite the ledger whatever it is granted: a superuser, or a member of the
    tables' owner (which has the owner's rights, to UPDATE the ledger and to drop its triggers)."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])
    row = cursor.fetchone()
    if row is None:
        return  # no such role: the first grant says so
    if row[0]:
        raise CommandError(
            f"{app_role} is a PostgreSQL superuser: it may change or delete any row, the ledger's and the audit log's "
            f"included, whatever is granted. As a superuser, run ALTER ROLE {app_role} NOSUPERUSER; then run this "
            "again. Nothing was changed."
        )
    cursor.execute("SELECT pg_has_role(%s, current_user, 'MEMBER')", [app_role])
    if cursor.fetchone()[0]:
        raise CommandError(
            f"{app_role} is a member of {owner}, the role that owns the tables, so it has the owner's rights: to "
            f"change the ledger and the audit log, and to drop their triggers. As a superuser, run REVOKE {owner} "
            f"FROM {app_role}; then run this again. Nothing was changed."
        )
