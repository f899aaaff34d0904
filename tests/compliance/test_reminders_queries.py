"""The daily run's queries do not grow with the number of people it reminds: a trust of 25,000 renewing a course
would otherwise read each person's completion (its policy version, for an attestation) one query at a time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.compliance.projection import refresh
from portal.compliance.reminders import reminders_due
from tests import factories

DONE = datetime.datetime(2025, 12, 20, 12, tzinfo=datetime.UTC)
RUN_ON = datetime.date(2026, 12, 6)  # 14 days before the year's renewal falls due: the reminder before it


@pytest.fixture
def course(db):
    return factories.make_requirement(name="Fire Safety", renewal_months=12)


def renewing(course, people: int) -> None:
    for _ in range(people):
        factories.make_completion(factories.make_staff(), course, DONE)
    refresh()


def queries() -> tuple[int, int]:
    """(messages due, queries run) for RUN_ON."""
    with CaptureQueriesContext(connection) as captured:
        due = reminders_due(RUN_ON)
    return len(due), len(captured.captured_queries)


def test_reminders_due_runs_the_same_queries_for_one_person_and_for_many(course):
    renewing(course, 1)
    # The requirements' reminder days, the status rows (each with its person, their team and line manager, the
    # requirement, and the completion that set it), the reminders sent, the refusals, HR's addresses, who is away.
    assert queries() == (1, 6)
    renewing(course, 4)
    assert queries() == (5, 6)
