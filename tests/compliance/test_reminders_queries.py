"""The daily run's queries do not grow with the number of people it reminds: a trust of 25,000 renewing a course
would otherwise read each person's completion (its policy version, for an attestation) one query at a time. Nor on a
Monday with the number of managers (each one's weekly list), nor with the people a re-attestation round is waiting
for (what changed in the policy since the version each attested)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.compliance.models import EvidenceEntry, ReminderLog, Requirement
from portal.compliance.projection import refresh
from portal.compliance.reminders import messages_due, reminders_due
from portal.compliance.services import reattestation_round_open
from portal.people.models import TeamManager
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


# --- a Monday: the reminders, a policy changed since people attested, and the managers' weekly lists ---------------


def _next_monday() -> datetime.date:
    """The next Monday after the day the test runs: the managers are made managers today."""
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


@pytest.fixture
def attestation(policy):
    requirement = factories.make_requirement(
        name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12
    )
    return requirement, factories.make_snapshot(policy, "1", "Think before you post.")


def teams_attested(attestation, managers: int, people: int, monday: datetime.date) -> None:
    """`managers` teams, each with its manager and `people` others, all of whom attested to version 1 (100 days ago,
    still in date); then version 2, a material change, opens a re-attestation round whose deadline is 10 days after
    `monday` (the reminder before it, and due soon in the lists)."""
    requirement, first = attestation
    attested = timezone.now() - datetime.timedelta(days=100)
    for _ in range(managers):
        team = factories.make_team()
        manager = factories.make_staff(team=team)  # in the team they manage: never in their own list
        TeamManager.objects.create(staff=manager, team=team)
        for member in [manager, *(factories.make_staff(team=team) for _ in range(people))]:
            factories.make_completion(member, requirement, attested, source=EvidenceEntry.ATTESTATION, snapshot=first)
    second = factories.make_snapshot(first.page, "2", "Never post about patients.")
    deadline = monday + datetime.timedelta(days=10)
    reattestation_round_open(snapshot=second, deadline=deadline, reason="Section 1 now forbids it outright.")


@pytest.mark.parametrize("managers, people", [(1, 1), (5, 5)])
def test_a_monday_run_runs_the_same_queries_for_one_manager_and_for_many(attestation, managers, people):
    monday = _next_monday()
    teams_attested(attestation, managers, people, monday)
    with CaptureQueriesContext(connection) as captured:
        due = messages_due(monday)
    reminders = [message for message in due if message.stage == ReminderLog.BEFORE]
    digests = [message for message in due if message.stage == ReminderLog.DIGEST]
    assert len(reminders) == managers * (people + 1) and len(digests) == managers
    assert all("(version 2). What changed:\n- Section 1 Purpose" in message.body for message in reminders)
    assert all(f"{people} {'person' if people == 1 else 'people'} to follow up" in d.subject for d in digests)
    # The reminders: the requirements' reminder days, the status rows (with their people, the requirement and the
    # attestation with its policy version), the reminders sent, the refusals, HR's addresses, who is away, the
    # latest round in force of each attestation, and the versions of its policy since the oldest one attested.
    # The weekly lists: the managers (with their teams), and the status rows of everyone in their teams.
    assert len(captured.captured_queries) == 10
