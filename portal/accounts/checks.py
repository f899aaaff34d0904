"""The project's `manage.py check --deploy` checks.

- The cache the sign-in limits count in can be reached. Every sign-in reads and writes its counts in the cache
  (ACCOUNT_RATE_LIMITS, portal.accounts.ratelimits), so a cache the portal cannot reach turns every sign-in into a
  server error while every other page still works: Redis not running at REDIS_URL, or, without REDIS_URL, no cache
  table because `createcachetable` was never run.
- Uploaded certificates are not in a publicly served directory. PRIVATE_MEDIA_ROOT has no URL and only
  permission-checked views read it; inside MEDIA_ROOT (served at MEDIA_URL by the web server) or STATIC_ROOT (served
  by WhiteNoise, and what collectstatic fills from STATICFILES_DIRS) every certificate could be fetched by its path.
"""

import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"
# A Redis host that drops packets would otherwise hold the check for the system's TCP timeout, about two minutes.
REDIS_PROBE_TIMEOUT_SECONDS = 5


@checks.register(checks.Tags.caches, deploy=True)
def cache_reachable_check(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for alias, config in settings.CACHES.items():
        backend = config["BACKEND"]
        if backend == DATABASE_CACHE and not databases:
            # Django runs a check that queries the database only when asked to (`check --deploy --database default`),
            # so that `check --deploy` passes on a machine with no database, as `make check` does.
            continue
        problem = _cache_problem(config)
        if not problem:
            continue
        location = config.get("LOCATION", "")
        if backend == REDIS_CACHE:
            errors.append(
                checks.Error(
                    f"The cache at REDIS_URL ({_without_password(location)}) cannot be reached: {problem}.",
                    hint=(
                        "Start Redis there or correct REDIS_URL (redis://HOST:6379/0, or rediss://:PASSWORD@HOST:6380/0),"
                        " or leave REDIS_URL empty to keep the cache in a database table (run `manage.py "
                        "createcachetable`). Until then every sign-in fails with a server error."
                    ),
                    id="accounts.E001",
                )
            )
        elif backend == DATABASE_CACHE:
            errors.append(
                checks.Error(
                    f"The cache table {location!r} cannot be written and read back: {problem}.",
                    hint=(
                        "Run `manage.py createcachetable` as the tables' owner (docs/deploy.md, section 2), or set "
                        "REDIS_URL to a Redis server. Until then every sign-in fails with a server error."
                    ),
                    id="accounts.E002",
                )
            )
        else:
            errors.append(
                checks.Error(f"The cache {alias!r} ({backend}) cannot be reached: {problem}.", id="accounts.E003")
            )
    return errors


def _cache_problem(config: dict) -> str:
    """What went wrong writing a key to the cache `config` describes and reading it back, or "" if nothing did."""
    params = dict(config)
    backend = import_string(params.pop("BACKEND"))
    location = params.pop("LOCATION", "")
    if config["BACKEND"] == REDIS_CACHE:
        timeouts = {
            "socket_connect_timeout": REDIS_PROBE_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_PROBE_TIMEOUT_SECONDS,
        }
        params["OPTIONS"] = {**timeouts, **params.get("OPTIONS", {})}
    cache = backend(location, params)
    key, token = f"portal-deploy-check-{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=60)
        read = cache.get(key)
        cache.delete(key)
    except Exception as error:  # each backend fails its own way: redis's ConnectionError, a missing table's
        return f"{error.__class__.__name__}: {str(error).rstrip('.')}"
    finally:
        cache.close()
    if read != token:
        return "a value written to it was not there when read back"
    return ""


def _without_password(location) -> str:
    """The Redis URL as the message may show it: its password, if any, starred out."""
    parts = urlsplit(str(location))
    if not parts.password:
        return str(location)
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)).geturl()


@checks.register(checks.Tags.security, deploy=True)
def private_media_not_served_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    private = settings.STORAGES.get("private", {}).get("OPTIONS", {}).get("location")
    if not private:
        return []  # not on this machine's disk (an object store): nothing here serves it
    private_path = Path(private).resolve()
    served = [
        ("MEDIA_ROOT", settings.MEDIA_ROOT),
        ("STATIC_ROOT", settings.STATIC_ROOT),
        *(("STATICFILES_DIRS", _static_dir(entry)) for entry in settings.STATICFILES_DIRS),
    ]
    errors = []
    for name, directory in served:
        if directory and private_path.is_relative_to(Path(directory).resolve()):
            errors.append(
                checks.Error(
                    f"PRIVATE_MEDIA_ROOT ({private_path}) is inside {name} ({Path(directory).resolve()}), which is "
                    "served to anyone: uploaded certificates could be downloaded without a permission check.",
                    hint=(
                        f"Set PRIVATE_MEDIA_ROOT to a directory outside {name} and every other directory the web "
                        "server or WhiteNoise serves (docs/deploy.md), and move the files already there with it."
                    ),
                    id="accounts.E004",
                )
            )
    return errors


def _static_dir(entry) -> str:
    """A STATICFILES_DIRS entry's directory: an entry may be (prefix, directory)."""
    return entry[1] if isinstance(entry, (list, tuple)) else entry
