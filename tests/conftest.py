import contextlib
from pathlib import Path

import pytest

from tests import dbrole, factories


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: rate-limit counters and allauth's used one-time codes do not leak."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def production_rate_limits(settings):
    """The portal's own rate limits (portal/settings/base.py), which the test settings turn off, counted from an empty
    cache: for the tests of sign-in lockout and the other doors a password is guessed at."""
    from django.core.cache import cache

    from portal.settings import base

    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    cache.clear()
    yield
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
def tasks_held(settings):
    """Background tasks kept, not run: what was asked of the task worker is in the returned backend's `results`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


@pytest.fixture
def person_client(client, person):
    factories.sign_in(client, person)
    return client


@pytest.fixture
def cms(db):
    """A test client signed in (with a second factor) as a superuser: the CMS's every door is open to it."""
    from django.test import Client

    user = factories.with_mfa(factories.make_user(is_superuser=True))
    return factories.sign_in(Client(), user)


@pytest.fixture
def unreadable_file(monkeypatch):
    """Make a file unreadable to the code under test: `unreadable_file(path)`, and reading it (Path.read_bytes) raises
    PermissionError, as a file without read permission would. chmod does not stop root, who runs these tests in CI."""
    import pathlib

    refused, read_bytes = set(), pathlib.Path.read_bytes

    def read_or_refuse(self):
        if self in refused:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_or_refuse)

    def make_unreadable(path):
        refused.add(pathlib.Path(path))
        return path

    return make_unreadable


_triggers = {"dropped": False}


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    by_marker = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return by_marker or bool({"transactional_db", "live_server"} & set(request.fixturenames))


_DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}
_test_database = {"made": False}


def _needs_a_database(item) -> bool:
    """pytest-django's own rule: it makes the test database only when a collected test asks for one."""
    return bool(item.get_closest_marker("django_db") or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def _same_on_either_database(item) -> bool:
    """A browser test that checks pages rather than follows a journey: what axe-core, the keyboard, the content
    security policy or the cookies make of a page is its HTML, CSS and scripts, whichever database served it. The
    journeys (tests/browser/test_*_journey.py and test_*_journeys.py) run on both: a person's way through the
    portal is where a database's own behaviour (its transactions, locks and orderings) reaches the browser."""
    path = Path(str(item.fspath))
    return path.parent.name == "browser" and not path.stem.endswith(("_journey", "_journeys"))


def pytest_collection_modifyitems(config, items):
    """With PORTAL_TESTS_DATABASE_ONLY=1, only the tests whose outcome the database can change run: .ci/run sets it
    for its second pass, on PostgreSQL, after the first ran every test on SQLite. A test that uses no database (a
    command run in a process of its own against its own SQLite file, a settings file loaded in another process, a
    pure function) does the same work whichever database the suite is on, so the second pass would only repeat it;
    so would a browser test that checks pages (_same_on_either_database), and the browser tests' check that every
    page they were sent reflows at 320 px, left out of that pass too (tests/browser/conftest.py, REFLOW). `make
    test` on its own, on either database, still runs every test and check."""
    import os

    if os.environ.get("PORTAL_TESTS_DATABASE_ONLY") != "1":
        return
    kept, left = [], []
    for item in items:
        (kept if _needs_a_database(item) and not _same_on_either_database(item) else left).append(item)
    config.hook.pytest_deselected(items=left)
    items[:] = kept


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """pytest-django's test database, then, on PostgreSQL, the app role's grants and every connection switched to
    it (tests/dbrole.py); back to the owner at the end, to drop the database.

    A run whose tests need no database (tests/demo/test_content_quality.py alone, say) has no test database: the
    session's autouse fixtures still ask for this one, and reading the rows below would query the database the
    settings name (on SQLite: "no such table: wagtailcore_locale"), so nothing is done."""
    from django.db import connection

    if not any(_needs_a_database(item) for item in request.session.items):
        yield
        return
    _test_database["made"] = True
    with django_db_blocker.unblock():
        _migration_rows_keep()
    if connection.vendor != "postgresql":
        yield
        return
    with django_db_blocker.unblock():
        dbrole.app_role_create_and_grant(connection)
        dbrole.act_as_app(connection)
    yield
    with django_db_blocker.unblock():
        dbrole.act_as_owner(connection)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Put the append-only triggers back (see below), as the owner, before any fixture opens the next test's
    transaction; then act as the app role again."""
    if not _triggers["dropped"]:
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    from portal.audit.db import install_audit_triggers
    from portal.compliance.db import install_ledger_triggers

    with item.config.stash[blocking_manager_key].unblock():
        install_ledger_triggers(connection)
        install_audit_triggers(connection)
        _migration_rows_restore()
        dbrole.act_as_app(connection)
    _triggers["dropped"] = False


# Rows data migrations make that tests rely on: the root page and collection, the Editors and Moderators groups with
# their permissions, the "Moderators approval" workflow on the root page with its task (Wagtail's), the ledger's head
# (the portal's). A transactional test's flush empties them; Django's
# serialized rollback would put them back but does not survive Playwright (see factories.ensure_wagtail_rows). They
# are kept as serialized at the start of the session (natural keys for permissions, whose ids change when the flush's
# post_migrate remakes them) and put back before the next test, whichever worker and order the tests run in.
_migration_rows = {"json": None}


def _migration_rows_keep() -> None:
    from django.contrib.auth.models import Group
    from django.core import serializers
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Locale,
        Page,
        Task,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    from portal.compliance.models import LedgerHead

    rows = [
        # The chain's head at its start: without it each test's first append makes it again (five more statements).
        *LedgerHead.objects.filter(pk=1),
        *Locale.objects.all(),
        *Page.objects.filter(depth=1),
        *Collection.objects.filter(depth=1),
        *Group.objects.all(),
        *GroupPagePermission.objects.all(),
        *GroupCollectionPermission.objects.all(),
        # A task's own row, then its kind's (a raw save writes one table): before the workflow's links to it.
        *Task.objects.all(),
        *GroupApprovalTask.objects.all(),
        *Workflow.objects.all(),
        *WorkflowTask.objects.all(),
        *WorkflowPage.objects.all(),
    ]
    _migration_rows["json"] = serializers.serialize("json", rows, use_natural_foreign_keys=True)


def _migration_rows_restore() -> None:
    from django.contrib.auth.models import Group
    from django.core import serializers
    from django.db import transaction

    if _migration_rows["json"] is None or Group.objects.exists():
        return  # nothing kept, or not flushed
    with transaction.atomic():
        for row in serializers.deserialize("json", _migration_rows["json"]):
            if hasattr(row.object, "numchild"):
                row.object.numchild = 0  # the root page's and collection's children went with the flush
            links = row.m2m_data or {}  # save() forgets them
            row.save(save_m2m=False)
            for name, pks in links.items():
                _links_put_back(row.object, name, pks)


def _links_put_back(instance, name: str, pks) -> None:
    """A restored row's many-to-many links (a group's permissions), written straight into the link table: setting
    them through the relation would send m2m_changed, and the portal's receiver would audit "Group Editors:
    permissions changed" as though someone had changed them, in the rows the next test reads."""
    field = instance._meta.get_field(name)
    through = field.remote_field.through
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    through.objects.bulk_create([through(**{f"{source}_id": instance.pk, f"{target}_id": pk}) for pk in pks])


@pytest.fixture(autouse=True)
def _append_only_triggers_around_flush(request):
    """The ledger's and the audit log's triggers refuse TRUNCATE/DELETE, and transactional tests end by flushing
    every table, which only the owner may do.

    Become the owner and drop the triggers just before that flush (this fixture is torn down before the database
    fixture it requests); the setup hook above reinstalls them, so every test runs with the append-only triggers in
    place, as the app role.
    """
    if not _is_transactional(request):
        yield
        return
    from django.db import connection

    from portal.audit.db import drop_audit_triggers
    from portal.compliance.db import drop_ledger_triggers

    request.getfixturevalue("transactional_db")
    yield
    dbrole.act_as_owner(connection)
    drop_ledger_triggers(connection)
    drop_audit_triggers(connection)
    _triggers["dropped"] = True


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete_on_postgresql():
    """Transactional tests (the browser tests among them) end by emptying every table. Django does it on PostgreSQL
    with one TRUNCATE of all ~100 tables, which makes new files for each and took 3 s a test on the CI machine; the
    few rows a test leaves go in 0.1 s with DELETE. Same result: the flush runs in one transaction and the foreign
    keys Django makes are checked at its end, when every table is empty. Sequences are reset only when a test asks
    (`reset_sequences`), through Django's own statements."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(django_db_setup, django_db_blocker):
    """Connections opened by other threads (the browser tests' live server, the concurrency tests' workers) can
    outlive their tests; on PostgreSQL they would stop the test database being dropped. End them first."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql" or not _test_database["made"]:
        return
    with django_db_blocker.unblock():
        dbrole.act_as_owner(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo organisation loaded once for a module's tests (its output returned), inside a transaction rolled back
    when the module's tests are done: loading it takes 20-40 s, and each test's own transaction (a savepoint inside
    this one) still rolls back whatever the test changes. A test asks for `db` as well as this."""
    from io import StringIO

    from django.core.management import call_command
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), rolled_back():
        out = StringIO()
        with override_settings(DEBUG=True):  # load_demo refuses to run without it
            call_command("load_demo", stdout=out)
        yield out.getvalue()


@contextlib.contextmanager
def rolled_back():
    """A transaction for a module's shared rows, rolled back when the module's tests are done: each test's own
    transaction is a savepoint inside it, so what a test changes is still undone after that test."""
    from django.db import transaction

    atomic = transaction.atomic()
    atomic.__enter__()
    try:
        yield
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
