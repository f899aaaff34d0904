"""A database whose rows and runs made a new starter due on the day a completion from their previous post ran out
(before they started) is brought up to date after `migrate`, with no step to remember: the `migrate` that applies
compliance 0023 rebuilds everyone with a status row or run and a completion (or a round's deadline) that runs out
before the end of their new-starter window counted from their start, as `rebuild_status` would, and says how many
people; nobody else (someone long in post, a new starter whose completion is in date), and nothing on a later
`migrate`."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.compliance import status
from portal.compliance.models import (
    EvidenceEntry,
    PolicySnapshot,
    Requirement,
    RequirementStatus,
    StatusInterval,
)
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record, evidence_record, reattestation_round_open
from portal.compliance.upgrade import people_with_evidence_run_out_in_their_window, status_history_fill
from tests import factories

pytestmark = pytest.mark.django_db

ADDED = [(SimpleNamespace(app_label="compliance", name="0023_window_from_start"), False)]
LATER = [(SimpleNamespace(app_label="compliance", name="0024_something_else"), False)]


def _done(staff, requirement, days_ago: int) -> None:
    evidence_record(
        staff=staff,
        requirement=requirement,
        source=EvidenceEntry.IMPORT,
        source_ref=f"olm {staff.pk}",
        idempotency_key=f"olm {staff.pk}",
        completed_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


@pytest.fixture
def world():
    """On Safeguarding Adults (every 36 months): a new starter with a completion from four years ago, one with a
    completion from a year ago, one with none, and someone long in post with one from four years ago."""
    course = factories.make_requirement(name="Safeguarding Adults Level 2", renewal_months=36)
    start = timezone.localdate() - datetime.timedelta(days=5)
    people = {
        "run out": factories.make_staff(start_date=start),
        "in date": factories.make_staff(start_date=start),
        "none": factories.make_staff(start_date=start),
        "long in post": factories.make_staff(start_date=datetime.date(2015, 4, 1)),
    }
    _done(people["run out"], course, 4 * 366)
    _done(people["in date"], course, 366)
    _done(people["long in post"], course, 4 * 366)
    refresh()
    return {"course": course, "people": people}


def _written(staff) -> tuple[list, list]:
    rows = RequirementStatus.objects.filter(staff=staff).order_by("requirement_id")
    runs = StatusInterval.objects.filter(staff=staff).order_by("requirement_id", "valid_from")
    return (
        list(rows.values_list("requirement_id", "completed_on", "expires_on", "due_on")),
        list(runs.values_list("requirement_id", "valid_from", "valid_to", "state", "due_on")),
    )


def _as_written_before(staff) -> None:
    """Rows and runs as the code before wrote them for whoever had a completion that had run out: due on the day it
    ran out, overdue (a mark on the others, who must be left as they are)."""
    for row in RequirementStatus.objects.filter(staff=staff, expires_on__isnull=False):
        RequirementStatus.objects.filter(pk=row.pk).update(due_on=row.expires_on)
    for run in StatusInterval.objects.filter(staff=staff, expires_on__isnull=False):
        StatusInterval.objects.filter(pk=run.pk).update(due_on=run.expires_on, state=status.OVERDUE)


def test_the_migrate_adding_the_window_from_start_rebuilds_who_it_made_overdue(world):
    built = {name: _written(staff) for name, staff in world["people"].items()}
    for staff in world["people"].values():
        _as_written_before(staff)
    written_before = {name: _written(staff) for name, staff in world["people"].items()}
    starter = world["people"]["run out"]
    assert RequirementStatus.objects.get(staff=starter).state(timezone.localdate()) == status.OVERDUE

    out = io.StringIO()
    assert status_history_fill(stdout=out, plan=ADDED) == 1

    assert _written(starter) == built["run out"]
    assert RequirementStatus.objects.get(staff=starter).due_on == starter.start_date + datetime.timedelta(days=28)
    assert RequirementStatus.objects.get(staff=starter).state(timezone.localdate()) == status.DUE_SOON
    for name in ("in date", "none", "long in post"):  # not rebuilt: as they were written
        assert _written(world["people"][name]) == written_before[name]
    assert "Rebuilt the status of 1 people with a completion that ran out before the end of" in out.getvalue()


def test_nothing_is_rebuilt_on_a_later_migrate(world):
    starter = world["people"]["run out"]
    _as_written_before(starter)
    written_before = _written(starter)

    assert status_history_fill(verbosity=0, plan=LATER) == 0
    assert status_history_fill(verbosity=0) == 0
    assert _written(starter) == written_before


def test_a_new_starter_a_round_asked_again_before_their_window_ends_is_found(policy):
    requirement = factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12)
    starter = factories.make_staff(start_date=timezone.localdate() - datetime.timedelta(days=3))
    long_in_post = factories.make_staff(start_date=datetime.date(2015, 4, 1))
    for staff in (starter, long_in_post):
        attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=None)
    reattestation_round_open(
        snapshot=factories.make_snapshot(policy, version="2.0"),
        deadline=timezone.localdate() + datetime.timedelta(days=7),
        reason="Section 6.2: within the hour.",
    )

    assert people_with_evidence_run_out_in_their_window() == [starter.pk]
    assert RequirementStatus.objects.get(staff=starter, requirement=requirement).due_on == (
        starter.start_date + datetime.timedelta(days=28)
    )
