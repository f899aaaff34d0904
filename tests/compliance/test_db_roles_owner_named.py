"""`db_roles` prints the setup statements with the owner role it is told (--owner-role), as it does the app role and
the database. Before, it always printed `portal_owner`: a trust whose owner role has another name was told to make a
role it does not use and to give the database to it."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def db_roles(*args: str) -> subprocess.CompletedProcess:
    """As an operator runs it to print the statements: a PostgreSQL DATABASE_URL, which printing never connects to."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.test", DATABASE_URL="postgres://someone@db.invalid/training")
    command = [sys.executable, "manage.py", "db_roles", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_the_owner_role_named_is_the_one_printed():
    printed = db_roles("--app-role", "training_app", "--owner-role", "training_owner")
    assert printed.returncode == 0, printed.stderr
    assert "--   CREATE ROLE training_owner LOGIN PASSWORD '...';" in printed.stdout
    assert "--   CREATE ROLE training_app LOGIN PASSWORD '...';" in printed.stdout
    assert "--   CREATE DATABASE training OWNER training_owner;" in printed.stdout
    assert "portal_owner" not in printed.stdout


def test_without_one_the_owner_is_the_documented_portal_owner():
    printed = db_roles("--app-role", "portal_app")
    assert printed.returncode == 0, printed.stderr
    assert "--   CREATE DATABASE training OWNER portal_owner;" in printed.stdout


@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ('own"; DROP TABLE x; --', "--owner-role: 'own\"; DROP TABLE x; --' is not a plain PostgreSQL name"),
        ("training_app", "--owner-role and --app-role are both training_app: the portal's own role must not own"),
    ],
)
def test_an_owner_role_that_cannot_be_printed_is_refused(owner, message):
    refused = db_roles("--app-role", "training_app", "--owner-role", owner)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr.startswith(f"CommandError: {message}"), refused.stderr
    assert "Nothing was printed or changed." in refused.stderr and "Traceback" not in refused.stderr
