"""A module completed earlier on the day a material version goes live had the old teaching: the round reopens it.
A round compares a module completion's time with the moment it opened, not their days, and all three clocks (the
live row, the runs "as it was", "as recorded then") say so alike."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance import asat
from portal.compliance.dates import add_months
from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus, StatusInterval
from portal.compliance.services import reattestation_round_open
from tests import factories


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=21)


LONG_AGO = datetime.date(2015, 4, 1)


@pytest.fixture
def module_requirement(policy):
    module = factories.make_module(policy=policy, title="Talking to the media")
    return factories.make_requirement(kind=Requirement.COMPLETE_MODULE, page=module, renewal_months=12)


def _completed(staff, requirement, completed_at):
    factories.make_completion(staff, requirement, completed_at=completed_at, source=EvidenceEntry.MODULE)


def _round_opened(policy, requirement):
    reattestation_round_open(
        snapshot=factories.make_snapshot(policy, version="2"),
        deadline=_deadline(),
        reason="Media enquiries now go to the team within the hour.",
        module_page_ids=[requirement.page_id],
    )


def _three_clocks(staff, requirement) -> list[tuple]:
    """(completed, expires, due) of the person on the requirement today: live, as it was, as recorded then."""
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    run = StatusInterval.objects.get(
        staff=staff, requirement=requirement, valid_from__lte=timezone.localdate(), valid_to__gt=timezone.localdate()
    )
    (recorded,) = [
        found
        for _, rows in asat.statuses_as_at(asat.Moment.now(), staff_ids=[staff.pk])
        for found in rows
        if found.requirement_id == requirement.pk
    ]
    return [
        (row.completed_on, row.expires_on, row.due_on),
        (run.completed_on, run.expires_on, run.due_on),
        (recorded.completed_on, recorded.expires_on, recorded.due_on),
    ]


def test_a_completion_that_morning_is_due_again_by_the_deadline_on_every_clock(policy, module_requirement):
    sam = factories.make_staff(start_date=LONG_AGO)
    this_morning = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    _completed(sam, module_requirement, this_morning)

    _round_opened(policy, module_requirement)

    assert _three_clocks(sam, module_requirement) == [(timezone.localdate(), _deadline(), _deadline())] * 3


def test_a_completion_after_the_round_opened_that_day_keeps_its_renewal_period(policy, module_requirement):
    sam = factories.make_staff(start_date=LONG_AGO)
    _round_opened(policy, module_requirement)

    _completed(sam, module_requirement, timezone.now())

    renewal = add_months(timezone.localdate(), 12)
    assert _three_clocks(sam, module_requirement) == [(timezone.localdate(), renewal, renewal)] * 3
