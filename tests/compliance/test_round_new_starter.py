"""A re-attestation round never asks a new starter for more than their new-starter window would: someone who
attested in their first days (or before their first day, from their invitation) and is then asked again by a round is
due by the round's date or the end of their own window, whichever is later, as a new starter who had not yet
attested is. Before, the round's date held alone: attesting promptly cost a new starter most of their four weeks,
and one who attested before starting, asked again by a date before their start, was overdue on their first day. The
live row, the runs "as it was" and "as recorded then" agree."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import asat, status
from portal.compliance.models import PolicySnapshot, Requirement, RequirementStatus, StatusInterval
from portal.compliance.services import attestation_record, reattestation_round_open
from tests import factories


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=7)


@pytest.fixture
def requirement(policy):
    return factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12)


def _attested_then_asked_again(policy, start_date):
    new_starter = factories.make_staff(start_date=start_date)
    attestation_record(staff=new_starter, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=None)
    reattestation_round_open(
        snapshot=factories.make_snapshot(policy, version="2.0"),
        deadline=_deadline(),
        reason="Section 6.2: within the hour.",
    )
    return new_starter


def _due_on_every_clock(staff, requirement) -> list:
    """The due date of the live row and of the run on the person's first day or today, and, for someone in post,
    as recorded now (the reports as at a day leave out a future starter)."""
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    on = max(timezone.localdate(), staff.start_date)
    run = StatusInterval.objects.get(staff=staff, requirement=requirement, valid_from__lte=on, valid_to__gt=on)
    recorded = [
        found.due_on
        for _, rows in asat.statuses_as_at(asat.Moment.now(), staff_ids=[staff.pk])
        for found in rows
        if found.requirement_id == requirement.pk
    ]
    return [row.due_on, run.due_on, *recorded]


def test_a_new_starter_who_attested_in_their_first_days_keeps_their_window(policy, requirement):
    start = timezone.localdate() - datetime.timedelta(days=3)
    sam = _attested_then_asked_again(policy, start)

    assert _due_on_every_clock(sam, requirement) == [start + datetime.timedelta(days=28)] * 3
    assert (
        RequirementStatus.objects.get(staff=sam, requirement=requirement).state(timezone.localdate()) == status.DUE_SOON
    )


def test_one_who_attested_before_their_first_day_is_not_overdue_on_it(policy, requirement):
    start = timezone.localdate() + datetime.timedelta(days=14)  # after the round's date
    sam = _attested_then_asked_again(policy, start)

    assert _due_on_every_clock(sam, requirement) == [start + datetime.timedelta(days=28)] * 2
    assert RequirementStatus.objects.get(staff=sam, requirement=requirement).state(start) == status.DUE_SOON


def test_someone_long_in_post_is_due_by_the_rounds_date(policy, requirement):
    sam = _attested_then_asked_again(policy, datetime.date(2015, 4, 1))

    assert _due_on_every_clock(sam, requirement) == [_deadline()] * 3
