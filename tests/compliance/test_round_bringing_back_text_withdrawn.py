"""Withdrawing the round of a version that brought back the text someone attested does not ask them again.

1.0 (Ann attests) -> 2.0 material, 6.2 changed, re-attest by day 20 -> 3.0 material, 6.2 as 1.0 had it, by day 40
(Ann not asked again: bef8da2) -> on day 12 HR withdraws 3.0's round. 3.0 is still the text in force, and it says
what Ann attested: the "what changed" notices (`material_since`) have nothing for her, so she owes nothing. Before,
the withdrawn round dropped out of every reading and 2.0's round asked her again by its deadline, passed: Overdue from
day 20 with nothing to tell her what had changed. A withdrawn round asks nobody (Bob, who attested 2.0, is not asked
by it) but the versions it says the same as stay released: on every clock, the projection kept up to date and
rebuilt, the runs in effective time and the reports as at a day, as it was and as recorded then."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance import status
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.dates import add_months
from portal.compliance.models import PolicySnapshot, ReattestationRound, RequirementStatus, StatusInterval
from portal.compliance.policy_versions import policy_change_notices_for_staff
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record, reattestation_round_withdraw
from tests import factories
from tests.compliance.test_attestation import attestation, staff  # noqa: F401 - fixtures
from tests.compliance.test_round_after_one_bringing_back_text import (
    _day,
    _noon,
    _publish,
    _read_the_day,  # noqa: F401 - autouse: day 0
)


@pytest.fixture
def withdrawn(staff, person, policy, attestation):  # noqa: F811
    """Ann (`staff`) attested 1.0 on day 0, Bob 2.0 on day 2; 3.0's round was withdrawn on day 12."""
    bob = factories.make_staff(first_name="Bob")
    with freeze_time(_noon(0)):
        attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=person)
    with freeze_time(_noon(1)):
        _publish(policy, "2.0", "6.2", "Always.", _day(20))
    with freeze_time(_noon(2)):
        attestation_record(staff=bob, snapshot=PolicySnapshot.objects.get(version_label="2.0"), user=person)
    with freeze_time(_noon(10)):
        _publish(policy, "3.0", "6.2", "Speak for yourself.", _day(40))  # 1.0's text again
    with freeze_time(_noon(12)):
        round_ = ReattestationRound.objects.get(snapshot__version_label="3.0")
        reattestation_round_withdraw(round_=round_, reason="Opened with the wrong deadline", user=person)
    return staff, bob


def _standing(row) -> tuple:
    return (row.expires_on, row.due_on, row.renew_from)


def test_who_attested_the_text_in_force_is_not_asked_again_once_its_round_is_withdrawn(withdrawn, attestation):  # noqa: F811
    ann, bob = withdrawn
    with freeze_time(_noon(25)):
        row = RequirementStatus.objects.get(staff=ann, requirement=attestation)
        assert row.state(_day(25)) == status.COMPLIANT
        assert _standing(row) == (add_months(_day(0), 12), add_months(_day(0), 12), None)
        assert policy_change_notices_for_staff(ann) == []
        # The withdrawn round asks nobody: Bob, who attested 2.0, is not asked to attest 3.0.
        row = RequirementStatus.objects.get(staff=bob, requirement=attestation)
        assert (row.state(_day(25)), row.renew_from) == (status.COMPLIANT, None)
        assert policy_change_notices_for_staff(bob) == []


def test_rebuild_runs_and_as_at_agree(withdrawn, attestation):  # noqa: F811
    ann, _ = withdrawn
    own = add_months(_day(0), 12)
    with freeze_time(_noon(25)):
        kept = _standing(RequirementStatus.objects.get(staff=ann, requirement=attestation))
        refresh()
        rebuilt = _standing(RequirementStatus.objects.get(staff=ann, requirement=attestation))
        assert rebuilt == kept == (own, own, None)
        for moment in (Moment.end_of(_day(25)), Moment(_day(25), timezone.now() + datetime.timedelta(hours=1))):
            [(_, [as_at])] = list(statuses_as_at(moment, staff_ids=[ann.pk]))
            assert (as_at.expires_on, as_at.due_on) == (own, own)
        # As recorded on day 11, before the withdrawal, 3.0's round released her as well.
        [(_, [as_at])] = list(statuses_as_at(Moment(_day(11), _noon(11)), staff_ids=[ann.pk]))
        assert (as_at.expires_on, as_at.due_on) == (own, own)
        runs = StatusInterval.objects.filter(staff=ann, requirement=attestation)
        [run] = runs.filter(valid_from__lte=_day(25), valid_to__gt=_day(25))
        assert (run.state, run.expires_on) == (status.COMPLIANT, own)
        # 2.0's round asked her from the day it opened until 3.0 brought her text back.
        [run] = runs.filter(valid_from__lte=_day(5), valid_to__gt=_day(5))
        assert (run.state, run.expires_on) == (status.DUE_SOON, _day(20))
