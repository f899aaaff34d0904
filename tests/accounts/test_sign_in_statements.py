"""A sign-in with a password and an authenticator code makes under 20 database statements, and its rate limits count
in the cache: Redis in production (REDIS_URL), where a limit holds across web workers as it does in one."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from portal.people.roles import hr_group
from portal.settings import base
from tests import factories
from tests.settings.test_production import GOOD, ROOT

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
REDIS = ("127.0.0.1", 6379)


@pytest.fixture
def hr_officer(db):
    user = factories.with_mfa(factories.make_user(email="hana.hr@example.nhs.uk"), SECRET)
    user.groups.add(hr_group())
    factories.make_staff(user=user)
    return user


def test_a_password_and_code_sign_in_makes_17_statements(hr_officer, settings, django_assert_num_queries):
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS  # the limits count, in the test settings' memory cache
    client = Client()
    client.get("/accounts/login/")
    # 1 the account, 2 has it an authenticator app? (allauth), 3-5 the new session (in a savepoint here: the test's
    # transaction).
    with django_assert_num_queries(5):
        response = client.post("/accounts/login/", {"login": hr_officer.email, "password": factories.PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    code = factories.totp_code(SECRET)
    # 1 session, 2 account, 3 has it an authenticator app?, 4 the authenticator, 5 its last use (allauth), 6 the old
    # session deleted (a new key against fixation), 7 the roles the header shows, 8 the audit line, 9 last_login,
    # 10-12 the session under its new key. Nothing in a cache table.
    with django_assert_num_queries(12) as captured:
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(hr_officer.pk)
    assert not [q for q in captured.captured_queries if "cache" in q["sql"].lower()]
    # Signed in with every role the header needs already in the session: the first page asks nothing for it.
    assert "Organisation" in client.get("/certificates/").content.decode()


def _load_production_caches(**changes) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in GOOD and key != "REDIS_URL"}
    env.update({key: value for key, value in {**GOOD, **changes}.items() if value is not None})
    code = "import portal.settings.production as s; print(repr(s.CACHES))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    return eval(loaded.stdout)  # noqa: S307 - the repr of a dict of strings this test's own child printed


def test_production_counts_in_redis_when_redis_url_is_set():
    assert _load_production_caches(REDIS_URL="redis://127.0.0.1:6379/0") == {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}
    }
    database = _load_production_caches()["default"]
    assert database["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def _redis_unreachable() -> str:
    try:
        import redis  # noqa: F401 - Django's RedisCache needs the client
    except ImportError:
        return "the redis package is not installed (pip install -r requirements.lock)"
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError as error:
        return f"no Redis at {REDIS[0]}:{REDIS[1]} ({error}): start one to run this test"
    return ""


@pytest.mark.skipif(bool(_redis_unreachable()), reason=_redis_unreachable() or "Redis is reachable")
def test_sign_in_limits_hold_on_a_real_redis(db, settings):
    prefix = f"portal-test-{uuid.uuid4().hex}"  # this test's keys only: nothing else in the server is touched
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{REDIS[0]}:{REDIS[1]}/0",
            "KEY_PREFIX": prefix,
        }
    }
    settings.ACCOUNT_RATE_LIMITS = {**base.ACCOUNT_RATE_LIMITS, "login_failed_from_client": "3/5m/key"}
    person = factories.make_user(email="ruth@example.nhs.uk")
    redis = caches["default"]._cache.get_client()
    try:
        tries = [Client(), Client()]  # two browsers: as two web workers would, they share only the cache
        for number in range(3):
            tries[number % 2].post("/accounts/login/", {"login": person.email, "password": "wrong"})
        assert any(redis.scan_iter(match=f"{prefix}:*"))  # the counts are in Redis
        response = tries[1].post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD})
        html = response.content.decode()
        assert response.status_code == 200 and "Too many failed" in html  # even the right password waits
        assert "_auth_user_id" not in tries[1].session
    finally:
        keys = list(redis.scan_iter(match=f"{prefix}:*"))
        if keys:
            redis.delete(*keys)
