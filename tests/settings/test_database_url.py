"""DATABASE_URL: production refuses to start without it, and a value that cannot be used is refused by name, with the
forms it takes. Before, a missing or misspelt variable ran production on a SQLite file in the code directory (outside
the PostgreSQL backups), and an empty or broken one stopped the start with dj-database-url's "Scheme '://' is
unknown", which names no variable. A sqlite:// value (the demo's database) is refused by production too."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.lib.env import env_database
from tests.settings.test_production import ROOT, load_production, load_settings

FORMS = "postgres://USER:PASSWORD@HOST:5432/NAME"


@pytest.mark.parametrize(
    "changes",
    [{"DATABASE_URL": None}, {"DATABASE_URL": None, "DATABSE_URL": "postgres://portal_app@db.internal:5432/portal"}],
    ids=["unset", "misspelt"],
)
def test_production_refuses_to_start_without_database_url(changes):
    loaded = load_production(**changes)
    assert loaded.returncode != 0
    assert "Set the DATABASE_URL environment variable to the portal's PostgreSQL database" in loaded.stderr
    assert FORMS in loaded.stderr


def test_production_connects_to_the_database_url_it_is_given():
    loaded = load_settings("portal.settings.production", "DATABASES['default']['HOST']")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "db.internal"


def test_development_keeps_the_sqlite_file_beside_the_code():
    loaded = load_settings("portal.settings.dev", "DATABASES['default']['NAME']", DATABASE_URL=None)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == str(ROOT / "db.sqlite3")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "DATABASE_URL is empty"),
        ("   ", "DATABASE_URL is empty"),
        ("db.internal/portal", "DATABASE_URL is not a URL (no scheme://)"),
        ("://", "DATABASE_URL starts with an unknown scheme ''"),
        ("postgress://portal_app@db.internal/portal", "DATABASE_URL starts with an unknown scheme 'postgress'"),
        ("postgres://portal_app:p/ss@db.internal:5432/portal", "DATABASE_URL (starting 'postgres') cannot be read"),
        ("postgres://portal_app@db.internal:54x2/portal", "check that its port is a number"),
        ("mysql://portal_app@db.internal/portal", "DATABASE_URL names a 'mysql' database"),
        ("postgres://portal_app@db.internal:5432", "DATABASE_URL names no database"),
    ],
)
def test_a_database_url_that_cannot_be_used_is_refused_by_name(monkeypatch, value, message):
    monkeypatch.setenv("DATABASE_URL", value)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_database("DATABASE_URL", "sqlite:///unused.sqlite3")
    assert message in str(refused.value)
    assert FORMS in str(refused.value) and "sqlite:////absolute/path/to/db.sqlite3" in str(refused.value)


def test_the_refusal_never_repeats_the_password(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://portal_app:s3cret/word@db.internal:5432/portal")
    with pytest.raises(ImproperlyConfigured) as refused:
        env_database("DATABASE_URL")
    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize("module", ["portal.settings.dev", "portal.settings.production"])
def test_every_settings_module_names_a_broken_database_url(module):
    loaded = load_settings(module, "DATABASES", DATABASE_URL="")
    assert loaded.returncode != 0
    assert f"DATABASE_URL is empty: set it to {FORMS}" in loaded.stderr


def test_a_broken_replica_url_is_named_too():
    loaded = load_production(DATABASE_REPLICA_URL="postgres//replica.internal/portal")
    assert loaded.returncode != 0 and "DATABASE_REPLICA_URL is not a URL" in loaded.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "sqlite:////var/lib/portal/db.sqlite3"),
        ("DATABASE_URL", "sqlite:///db.sqlite3"),
        ("DATABASE_REPLICA_URL", "sqlite:////var/lib/portal/replica.sqlite3"),
    ],
)
def test_production_refuses_a_sqlite_file(name, value):
    """The demo's database would hold staff's evidence outside the PostgreSQL backups, without the ledger's database
    roles (docs/deploy.md, sections 2 and 7): production settings run on PostgreSQL only."""
    loaded = load_production(**{name: value})
    assert loaded.returncode != 0
    assert f"{name} names a SQLite file, and production settings run on PostgreSQL only" in loaded.stderr
    assert FORMS in loaded.stderr and value not in loaded.stderr
