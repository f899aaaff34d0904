"""Tiny typed readers for settings that come from the environment.

A value they cannot read is refused with ImproperlyConfigured naming the variable and what it takes: the portal is set
up from the README by someone with no developer at hand, and a typo must stop the start, not quietly become a
default."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "off"})

# The portal's ledger triggers and role grants exist for these two engines only (portal.compliance.ledger).
DATABASE_ENGINES = frozenset({"django.db.backends.postgresql", "django.db.backends.sqlite3"})
DATABASE_URL_FORMS = (
    "postgres://USER:PASSWORD@HOST:5432/NAME (PostgreSQL), or sqlite:////absolute/path/to/db.sqlite3 "
    "(a SQLite file, for development only)"
)


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


def env_bool(name: str, default: bool = False) -> bool:
    """True or false from true/false, 1/0, yes/no, y/n or on/off, in any case; unset or empty gives `default` (as
    env_int does: a variable left blank keeps the documented default).

    Anything else is refused rather than read as false: EMAIL_USE_TLS=ture must not send mail in clear, nor
    PORTAL_PASSWORD_LOGIN=ture turn password sign-in off."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (or 1/0, yes/no, y/n, on/off), not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_database(name: str, default: str | None = None, **options) -> dict:
    """The DATABASES entry for the database URL in `name` (`options` go to dj-database-url: conn_max_age and so on).

    dj-database-url's own errors ("Scheme '://' is unknown") name neither the variable nor the forms it takes, and a
    URL for another engine would parse and fail only at the first migration. The messages never repeat the URL, which
    may hold a password: only its scheme."""
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the {name} environment variable to {DATABASE_URL_FORMS}.")
    value = value.strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is empty: set it to {DATABASE_URL_FORMS}.")
    if "://" not in value:
        raise ImproperlyConfigured(f"{name} is not a URL (no scheme://): set it to {DATABASE_URL_FORMS}.")
    scheme = value.partition(":")[0]
    try:
        database = dj_database_url.parse(value, **options)
    except dj_database_url.UnknownSchemeError as exc:
        raise ImproperlyConfigured(
            f"{name} starts with an unknown scheme {scheme!r}: set it to {DATABASE_URL_FORMS}."
        ) from exc
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} (starting {scheme!r}) cannot be read as a URL: check that its port is a number and that any "
            f"/ # ? % in the password is percent-encoded (%2F %23 %3F %25). It takes {DATABASE_URL_FORMS}."
        ) from exc
    if database.get("ENGINE") not in DATABASE_ENGINES:
        raise ImproperlyConfigured(
            f"{name} names a {scheme!r} database, and the portal runs on PostgreSQL: set it to {DATABASE_URL_FORMS}."
        )
    if not database.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database (the /NAME at its end): set it to {DATABASE_URL_FORMS}.")
    return database
