"""Report reads on a replica (docs/scale.md, "Report reads on a replica").

With a `replica` database alias configured (DATABASE_REPLICA_URL: a streaming replica of the primary), the pages
that report on many people - HR's organisation report, its trend and lists, the managers' team pages, the CSV and
XLSX exports - read from it, leaving the primary to the writes. Reads are routed by request, not by model: the
middleware marks a GET to one of those views, and the router sends that request's reads to the replica.

Everything else reads the primary: a person's own pages (someone who has just submitted sees their own result), every
POST, the task worker and commands, a read inside a transaction (it may follow the transaction's own write), and on
every page the sign-in's tables (PRIMARY_ONLY_APPS).
Every write goes to the primary. A replica that cannot be reached leaves its pages on the primary, with a warning
in the log.

A replica is behind by however long it takes to replay what the primary wrote. Pages that read it show how far
behind it is once that passes PORTAL_REPLICA_LAG_WARN_SECONDS (templates/includes/replica_lag.html).
"""

import contextvars
import logging
import time
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# The views whose GET requests read from the replica, by namespaced URL name.
REPORT_VIEWS = frozenset(
    {
        "hr_reports:organisation",
        "hr_reports:trend",
        "hr_reports:lists",
        "reports:team",
        "reports:team_person",
        "exports:csv",
        "exports:xlsx",
    }
)
# Read from the primary even on a report page: sessions, users, groups, second factors (who is signed in, and
# whether they are HR). Who manages which team is read with the report, in the same queries: a change to it reaches
# the team pages once the replica has replayed it.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "account", "mfa", "socialaccount", "contenttypes"})
DEFAULT_LAG_WARN_SECONDS = 60

_reading_reports = contextvars.ContextVar("reading_reports", default=False)

# How far the replica is behind, in seconds: nothing when it has replayed all it has received (an idle primary sends
# nothing new, so the last replayed transaction's age says nothing then); NULL when the database is not a replica.
# A replica cut off from its primary has replayed all it received, so it shows 0: watch replication itself
# (pg_stat_replication on the primary) in monitoring.
LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE GREATEST(0, EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()))
END, pg_last_wal_receive_lsn()
"""
REPLAYED_SQL = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
# WAL that arrives just as a page asks (the primary's first write after a quiet spell, often the same person's own
# audit row) is not yet replayed, and the last replayed transaction's age would then say the replica is as far behind
# as the quiet spell was long. WAL the replica replays within this long was in flight, not lag.
IN_FLIGHT_SECONDS = 0.5


def replica_configured() -> bool:
    return REPLICA in connections.settings


def reading_replica() -> bool:
    """Whether a read now goes to the replica: in a report request, outside any transaction on the primary."""
    return _reading_reports.get() and replica_configured() and not connections[DEFAULT_DB_ALIAS].in_atomic_block


class ReplicaRouter:
    """Sends a report request's reads to the replica (see above), all else to the primary. Without a replica it
    leaves every choice to Django's default."""

    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        if reading_replica() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # Explicit, so a row read from the replica and then saved is saved on the primary.
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        both = {obj1._state.db, obj2._state.db}
        return True if replica_configured() and both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None


def lag_warn_seconds() -> float:
    return getattr(settings, "PORTAL_REPLICA_LAG_WARN_SECONDS", DEFAULT_LAG_WARN_SECONDS)


def replica_lag_seconds() -> float | None:
    """How far the replica is behind the primary, in seconds (0 when it has replayed all it has received); None
    when the alias is not a replica. A lag worth telling is checked again once what had arrived is replayed, up to
    IN_FLIGHT_SECONDS later: WAL in flight is not lag."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        lag, received = cursor.fetchone()
        if lag is None or lag < lag_warn_seconds() or received is None:  # nothing arrives to wait for without it
            return None if lag is None else float(lag)
        deadline = time.monotonic() + IN_FLIGHT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(0.02)
            cursor.execute(REPLAYED_SQL, [received])
            if cursor.fetchone()[0]:
                return 0.0
        cursor.execute(LAG_SQL)
        lag, _ = cursor.fetchone()
    return None if lag is None else float(lag)


class ReplicaReads:
    """What a report request's page says about the replica it read: `request.replica_reads`."""

    def __init__(self, lag_seconds: float | None):
        self.lag_seconds = lag_seconds

    @property
    def lagging(self) -> bool:
        return self.lag_seconds is not None and self.lag_seconds >= lag_warn_seconds()

    @property
    def behind(self) -> str:
        """The lag in words: "45 seconds", "12 minutes", "3 hours 5 minutes"."""
        seconds = int(self.lag_seconds or 0)
        if seconds < 120:
            return _plural(seconds, "second")
        minutes = seconds // 60
        if minutes < 120:
            return _plural(minutes, "minute")
        hours, minutes = divmod(minutes, 60)
        return _plural(hours, "hour") + (f" {_plural(minutes, 'minute')}" if minutes else "")


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


class ReplicaReadsMiddleware:
    """Marks a GET to a report view (REPORT_VIEWS) as reading the replica, for the view and for a streamed response
    as it is sent, and puts `request.replica_reads` (the lag) on the request for the page to show."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reading_reports.set(False)
        try:
            response = self.get_response(request)
        finally:
            _reading_reports.reset(token)
        if getattr(request, "replica_reads", None) and response.streaming and not response.is_async:
            response.streaming_content = _reading_reports_while(response.streaming_content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if not (replica_configured() and request.method in {"GET", "HEAD"} and match):
            return None
        if match.view_name not in REPORT_VIEWS:
            return None
        try:
            lag = replica_lag_seconds()
        except DatabaseError:
            logger.warning("The replica cannot be reached: %s reads the primary", request.path, exc_info=True)
            return None
        request.replica_reads = ReplicaReads(lag)
        _reading_reports.set(True)
        return None


def _reading_reports_while(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A streamed export's rows are read as it is sent, after the view has returned: read them from the replica."""
    iterator = iter(chunks)
    while True:
        token = _reading_reports.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reading_reports.reset(token)
        yield chunk
