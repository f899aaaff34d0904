"""`manage.py check --deploy` reaches the cache the sign-in limits count in, and names REDIS_URL (or the cache table)
when it cannot. Before, .env.example set REDIS_URL to a Redis that the docs call optional: with none listening, every
sign-in was a server error and check --deploy passed."""

import os
import socket
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from portal.accounts.checks import cache_reachable_check
from tests import dbrole
from tests.settings.test_production import GOOD, ROOT


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, **changes) -> subprocess.CompletedProcess:
    """manage.py under production settings, with GOOD's environment altered by `changes` (None leaves one unset)."""
    env = {key: value for key, value in os.environ.items() if key not in GOOD and key not in changes}
    env.pop("REDIS_URL", None)
    # The browser tests' conftest sets this for the whole run (sync Playwright beside the ORM); check --deploy rightly
    # refuses it, and a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    env.update({key: value for key, value in {**GOOD, **changes}.items() if value is not None})
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_a_redis_that_is_not_there_is_named(settings):
    port = closed_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://:s3cret@127.0.0.1:{port}/0",
        }
    }
    [error] = cache_reachable_check()
    assert error.id == "accounts.E001"
    assert error.msg.startswith(f"The cache at REDIS_URL (redis://:***@127.0.0.1:{port}/0) cannot be reached: ")
    assert "s3cret" not in error.msg + error.hint
    assert "leave REDIS_URL empty" in error.hint and "createcachetable" in error.hint


def test_a_cache_that_answers_passes_and_keeps_nothing(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "probe"}}
    assert cache_reachable_check() == []
    assert caches.create_connection("default")._cache == {}


def test_check_deploy_fails_on_a_redis_that_is_not_there():
    checked = manage("check", "--deploy", "--fail-level", "WARNING", REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")
    assert checked.returncode != 0
    assert "(accounts.E001) The cache at REDIS_URL (redis://127.0.0.1:" in checked.stderr


def test_check_deploy_passes_without_redis_and_without_a_database():
    """What `make check` runs: no Redis, no database reachable; the cache table is checked with --database."""
    checked = manage("check", "--deploy", "--fail-level", "WARNING", REDIS_URL="")
    assert checked.returncode == 0, checked.stderr


@pytest.fixture
def cache_in_a_table(transactional_db, settings):
    """The cache in a table, as production keeps it without REDIS_URL; the database in autocommit, as production runs
    it (inside a test's transaction, the probe's failed read would abort the rest). The table goes afterwards."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}
    }
    yield
    with dbrole.as_owner(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name('portal_cache')}")


def test_check_deploy_with_the_database_names_the_missing_cache_table_until_it_is_made(cache_in_a_table):
    """In this process, on the test database: a new one under production settings could reach only PostgreSQL."""
    check = ["check", "--deploy", "--database", "default", "--tag", "caches", "--fail-level", "WARNING"]
    with pytest.raises(SystemCheckError) as before:
        call_command(*check)
    assert "(accounts.E002) The cache table 'portal_cache' cannot be written and read back" in str(before.value)
    with dbrole.as_owner():  # as docs/deploy.md runs it; the app role's default grants then cover the table
        call_command("createcachetable")
    call_command(*check)  # raises if the check still fails
