"""Two workers running the same day's reminders at the same moment send each message once (PostgreSQL only:
SQLite serialises writers, so it cannot show a race)."""

import datetime
import threading
import zoneinfo

import pytest
from django.db import connection, connections
from django.utils import timezone

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.people.models import TeamManager
from tests import factories

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for real concurrency")

START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=28)
MONDAY_AFTER = DUE + datetime.timedelta(days=7)  # each person's "after" reminder, and the manager's digest


def test_two_workers_at_once_send_each_message_once(transactional_db, monkeypatch, mailoutbox):
    team = factories.make_team("Team")
    manager = factories.make_staff(team=team, start_date=datetime.date(2020, 1, 6))
    TeamManager.objects.create(staff=manager, team=team, started_on=datetime.date(2020, 1, 6))  # manager then
    for _ in range(8):
        factories.make_staff(team=team, start_date=START, line_manager=manager, staff_group="Nursing")
    factories.make_requirement(applies_to_everyone=False, staff_groups=["Nursing"])
    refresh()
    moment = datetime.datetime.combine(MONDAY_AFTER, datetime.time(7, 0), tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(reminders_send(MONDAY_AFTER))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(sum(counts.values()) for counts in results) == 9  # 8 reminders and 1 digest, between them
    assert len(mailoutbox) == ReminderLog.objects.count() == 9
    assert len({(m.to[0], m.subject) for m in mailoutbox}) == 9
