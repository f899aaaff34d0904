import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters and allauth's used one-time codes do not leak."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def user_factory(db):
    return factories.make_user


@pytest.fixture
def person(db):
    return factories.make_user(first_name="Priya", last_name="Shah", email="priya.shah@example.nhs.uk")


@pytest.fixture
def someone_else(db):
    return factories.make_user(first_name="Owen", last_name="Jones", email="owen.jones@example.nhs.uk")


@pytest.fixture
def home_page(db):
    return factories.make_home_page()


@pytest.fixture
def policy(home_page):
    return factories.make_policy(parent=home_page)


@pytest.fixture
def module_page(policy):
    return factories.make_module(policy=policy)


@pytest.fixture
def person_client(client, person):
    factories.sign_in(client, person)
    return client


_triggers = {"dropped": False}


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return by_marker or bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Put the ledger's triggers back (see below) before any fixture opens the next test's transaction."""
    if not _triggers["dropped"]:
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from portal.compliance.db import install_ledger_triggers

    with item.config.stash[blocking_manager_key].unblock():
        install_ledger_triggers(connection)
    _triggers["dropped"] = False


@pytest.fixture(autouse=True)
def _ledger_triggers_around_flush(request):
    """The ledger's triggers refuse TRUNCATE/DELETE, and transactional tests end by flushing every table.

    Drop them just before that flush (this fixture is torn down before the database fixture it requests); the
    setup hook above reinstalls them, so every test runs with the append-only triggers in place.
    """
    if not _is_transactional(request):
        yield
        return
    from django.db import connection

    from portal.compliance.db import drop_ledger_triggers

    request.getfixturevalue("transactional_db")
    yield
    drop_ledger_triggers(connection)
    _triggers["dropped"] = True


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(django_db_setup, django_db_blocker):
    """Connections opened by other threads (the browser tests' live server, the concurrency tests' workers) can
    outlive their tests; on PostgreSQL they would stop the test database being dropped. End them first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
