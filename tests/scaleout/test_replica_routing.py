"""The replica router's choices and the lag in words, without a replica server
(tests/scaleout/test_reports_on_replica.py runs them against a real one)."""

import contextlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connections

from portal.compliance.models import RequirementStatus
from portal.lib import replica
from portal.people.models import StaffMember


@pytest.fixture
def replica_alias(monkeypatch):
    """A `replica` alias in the settings (never connected to), and a report request's context."""
    monkeypatch.setitem(connections.settings, replica.REPLICA, dict(connections.settings["default"]))
    token = replica._reading_reports.set(True)
    yield
    replica._reading_reports.reset(token)
    with contextlib.suppress(AttributeError):  # the test case's own wrapper for the alias: not for later tests
        del connections[replica.REPLICA]


def test_without_a_replica_the_router_leaves_every_choice_to_django():
    router = replica.ReplicaRouter()
    assert router.db_for_read(StaffMember) is None and router.db_for_write(StaffMember) is None
    assert router.allow_migrate("default", "people") is None


def test_a_report_request_reads_report_tables_from_the_replica_and_the_sign_in_from_the_primary(replica_alias):
    router = replica.ReplicaRouter()
    assert router.db_for_read(StaffMember) == router.db_for_read(RequirementStatus) == "replica"
    assert router.db_for_read(get_user_model()) == router.db_for_read(Session) == "default"
    assert router.db_for_write(StaffMember) == "default"  # a row read from the replica is saved on the primary
    assert router.allow_migrate("replica", "people") is False


def test_outside_a_report_request_everything_reads_the_primary(replica_alias):
    replica._reading_reports.set(False)
    assert replica.ReplicaRouter().db_for_read(StaffMember) == "default"


def test_a_read_inside_a_transaction_reads_the_primary(replica_alias, db):
    # (`db` runs the test inside a transaction on the primary: the read may follow its own write.)
    assert connections["default"].in_atomic_block
    assert replica.ReplicaRouter().db_for_read(StaffMember) == "default"


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "1 second"),
        (45.7, "45 seconds"),
        (119, "119 seconds"),
        (120, "2 minutes"),
        (3600, "60 minutes"),
        (7200, "2 hours"),
        (7260, "2 hours 1 minute"),
        (11100, "3 hours 5 minutes"),
    ],
)
def test_the_lag_in_words(seconds, words):
    assert replica.ReplicaReads(seconds).behind == words


def test_the_notice_shows_from_the_threshold(settings):
    settings.PORTAL_REPLICA_LAG_WARN_SECONDS = 60
    assert [replica.ReplicaReads(lag).lagging for lag in (None, 0, 59.9, 60, 600)] == [False, False, False, True, True]
