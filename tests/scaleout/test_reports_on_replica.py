"""Report reads on a real PostgreSQL streaming replica (portal.lib.replica): the report pages and exports read the
replica, a person's own page reads the primary (they see what they have just done), and HR's pages say how far behind
the replica is once that passes the threshold.

The pair of servers is the test's own (tests/scaleout/pgreplica.py): started in a temporary directory, on two free
loopback ports, holding a copy of the test database; the test points the `default` alias at that primary for its
length and adds the `replica` alias, then puts both back and removes the servers, whatever happened."""

import contextlib
import re
import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.compliance.projection import refresh
from portal.lib.replica import REPLICA, replica_lag_seconds
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import dbrole, factories
from tests.scaleout import pgreplica

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: a streaming replica is a PostgreSQL server"
)

REPORT_TABLES = ("compliance_", "people_", "reports_")  # what a report reads (the sign-in's tables stay primary)


@pytest.fixture
def pair(transactional_db):
    """A primary holding a copy of the test database and a streaming replica of it, with `default` pointed at the
    primary and `replica` at the replica for the test's length."""
    settings_dict = connection.settings_dict
    try:
        bindir = pgreplica.server_binaries(connection.pg_version // 10000)
        servers = pgreplica.Pair(bindir, user=settings_dict["USER"] or "postgres")
    except pgreplica.Unavailable as reason:
        pytest.skip(f"no streaming replica here: {reason}")
    database, suite_server = settings_dict["NAME"], {key: settings_dict[key] for key in ("HOST", "PORT")}
    try:
        servers.start_primary()
        servers.copy_database(
            name=database, host=suite_server["HOST"], port=suite_server["PORT"], password=settings_dict["PASSWORD"]
        )
        connection.close()
        settings_dict.update(HOST="127.0.0.1", PORT=servers.primary_port)
        with dbrole.as_owner(connection):
            dbrole.app_role_create_and_grant(connection)
        servers.start_replica()
        with contextlib.suppress(AttributeError):  # a wrapper left by an earlier test would keep its old settings
            del connections[REPLICA]
        connections.settings[REPLICA] = {**settings_dict, "PORT": servers.replica_port}
        # Connected here: the test case refuses to open a connection for an alias that was not there when it began.
        connections[REPLICA].connect()
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
            assert cursor.fetchone() == (True, servers.replica_port)
        servers.wait_replayed(database)
        yield servers
    finally:
        if REPLICA in connections.settings:
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
        connection.close()
        settings_dict.update(suite_server)
        servers.stop()


def _people():
    organisation = factories.make_team("Organisation", kind="organisation")
    ward = factories.make_team("Ward 7", parent=organisation)
    hr = factories.make_staff(team=organisation, first_name="Hana", last_name="Human-Resources")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    manager = factories.make_staff(team=ward, first_name="Grace", last_name="Manager")
    TeamManager.objects.create(staff=manager, team=ward)
    factories.with_mfa(manager.user)
    nurse = factories.make_staff(team=ward, first_name="Nia", last_name="Nurse", staff_group="Nursing")
    requirement = factories.make_requirement(
        name="Blood transfusion", applies_to_everyone=False, staff_groups=["Nursing"]
    )
    refresh()
    return hr, manager, nurse, requirement


def _get(client, name, **params):
    """The page, and the queries it ran on the primary that read report tables, and how many it ran on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(reverse(name), params)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    on_primary = [query["sql"] for query in primary.captured_queries if any(t in query["sql"] for t in REPORT_TABLES)]
    return response.status_code, body.decode(), on_primary, len(replica.captured_queries)


def _nurse_line(csv_text: str) -> str:
    return next(line for line in csv_text.splitlines() if "Nurse" in line)


def test_reports_read_the_replica_a_persons_own_page_the_primary_and_hr_sees_the_lag(pair, settings):
    database = connection.settings_dict["NAME"]
    hr, manager, nurse, requirement = _people()
    hr_client, manager_client = factories.sign_in(Client(), hr.user), factories.sign_in(Client(), manager.user)
    nurse_client = factories.sign_in(Client(), nurse.user)
    pair.wait_replayed(database)

    # Caught up: each report reads the replica and nothing of the report from the primary; no lag shown.
    for client, name in (
        (hr_client, "hr_reports:organisation"),
        (hr_client, "hr_reports:trend"),
        (hr_client, "hr_reports:lists"),
        (hr_client, "exports:csv"),
        (manager_client, "reports:team"),
    ):
        status, page, on_primary, on_replica = _get(client, name)
        assert (status, on_primary) == (200, []), name
        assert on_replica > 0, name
        assert 'id="replica-lag"' not in page
    assert ",Overdue," in _nurse_line(_get(hr_client, "exports:csv")[1])

    # Replay stops; the nurse completes the requirement (on the primary).
    pair.replay_pause(database)
    factories.make_completion(nurse, requirement, source_ref="e-LfH course")

    # She sees it at once: her own page reads the primary, and nothing from the replica.
    status, page, _, on_replica = _get(nurse_client, "reports:my_training")
    assert (status, on_replica) == (200, 0)
    assert "Compliant" in page and "Overdue" not in page

    # The reports, read from the replica, do not have it yet (the export streams its rows from it too).
    assert ",Overdue," in _nurse_line(_get(hr_client, "exports:csv")[1])
    status, page, on_primary, on_replica = _get(manager_client, "reports:team")
    assert status == 200 and on_primary == [] and on_replica > 0
    assert "1 overdue" in page  # her manager's list of whom to chase still names her

    # Behind by more than the threshold: HR's pages say so; under it, they do not.
    settings.PORTAL_REPLICA_LAG_WARN_SECONDS = 3600
    assert 'id="replica-lag"' not in _get(hr_client, "hr_reports:organisation")[1]
    settings.PORTAL_REPLICA_LAG_WARN_SECONDS = 2
    time.sleep(2.5)
    page = _get(hr_client, "hr_reports:organisation")[1]
    state = pair.psql(  # what the replica says of itself, should the notice be missing
        database,
        "SELECT pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn(), now() - pg_last_xact_replay_timestamp(), "
        "pg_get_wal_replay_pause_state()",
        pair.replica_port,
    )
    assert 'id="replica-lag"' in page, state
    assert re.search(r"a copy of the portal's records that is \d+ seconds behind", page), page
    assert 'id="replica-lag"' not in _get(nurse_client, "reports:my_training")[1]  # her page is not behind

    # Replay goes on: the reports catch up, and the notice goes.
    pair.replay_resume(database)
    pair.wait_replayed(database)
    assert ",Compliant," in _nurse_line(_get(hr_client, "exports:csv")[1])
    assert "1 overdue" not in _get(manager_client, "reports:team")[1]
    page = _get(hr_client, "hr_reports:organisation")[1]
    assert 'id="replica-lag"' not in page


def _wait_received(pair, database: str) -> None:
    """Until the replica has received (not necessarily replayed) all the primary has written so far."""
    target = pair.psql(database, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + 30
    while pair.psql(database, f"SELECT pg_last_wal_receive_lsn() >= '{target}'", pair.replica_port) != "t":
        assert time.monotonic() < deadline, f"the replica did not receive up to {target}"
        time.sleep(0.02)


def test_wal_in_flight_after_a_quiet_spell_is_not_lag_and_stopped_replay_is(pair, settings):
    """The primary's first write after a quiet spell (often the asking person's own audit row) reaches the replica
    just as a page asks: until it is replayed, the last replayed transaction is as old as the spell. That is not lag,
    and HR's pages do not say the records are behind; replay that stays stopped is lag, and they do."""
    database = connection.settings_dict["NAME"]
    settings.PORTAL_REPLICA_LAG_WARN_SECONDS = 1
    organisation = factories.make_team("Organisation", kind="organisation")
    pair.wait_replayed(database)
    time.sleep(1.5)  # nothing written for longer than the threshold

    pair.replay_pause(database)
    factories.make_team("Ward 1", parent=organisation)  # received, not yet replayed
    _wait_received(pair, database)
    resume = threading.Timer(0.1, pair.replay_resume, [database])
    resume.start()
    try:
        assert replica_lag_seconds() == 0.0
    finally:
        resume.join()

    pair.wait_replayed(database)
    pair.replay_pause(database)
    factories.make_team("Ward 2", parent=organisation)
    _wait_received(pair, database)
    time.sleep(1.5)
    try:
        assert replica_lag_seconds() >= 1.5
    finally:
        pair.replay_resume(database)
