"""An evidence pack made before a round was withdrawn is rebuilt as it was made (its cut-off still sees the round
open, on both clocks); the same pack made now differs, and `verify_pack`'s account of the difference names the
withdrawal among the facts recorded since its cut-off."""

import datetime

from django.utils import timezone

from portal.compliance import projection
from portal.compliance.asat import Moment
from portal.compliance.models import EvidenceEntry, ReattestationRound, Requirement
from portal.compliance.services import reattestation_round_withdraw
from portal.reports import basis as clocks
from portal.reports.pack_verify import changes_since, people_differing
from portal.reports.packs import pack_people
from tests import factories
from tests.dbrole import as_owner


def _rows(team, moment, basis):
    return [(staff.pk, [line.row for line in lines]) for staff, _, lines in pack_people(team, moment, basis)]


def test_a_pack_made_before_the_withdrawal_keeps_its_answer_and_the_difference_is_named(home_page):
    team = factories.make_team("Ward A")
    ben = factories.make_staff(team=team, start_date=datetime.date(2015, 4, 1), first_name="Ben")
    policy = factories.make_policy(parent=home_page)
    requirement = factories.make_requirement(
        name="Attest the social media policy", kind=Requirement.ATTEST_POLICY, page=policy
    )
    factories.make_completion(
        ben,
        requirement,
        source=EvidenceEntry.ATTESTATION,
        snapshot=policy.latest_snapshot(),
        completed_at=timezone.now() - datetime.timedelta(days=60),
    )
    round_ = ReattestationRound.objects.create(
        requirement=requirement,
        snapshot=factories.make_snapshot(policy, "2"),
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        reason="Section 1: a new rule",
    )
    with as_owner():  # a round is never changed once opened: only the owner may (roles.FROZEN_TABLES)
        ReattestationRound.objects.filter(pk=round_.pk).update(opened_at=timezone.now() - datetime.timedelta(days=10))
    projection.refresh(requirement_ids=[requirement.pk])
    made = Moment(
        timezone.localdate() - datetime.timedelta(days=1), timezone.now()
    )  # a pack about yesterday, asked for now
    as_it_was, as_recorded = _rows(team, made, clocks.AS_IT_WAS), _rows(team, made, clocks.AS_RECORDED)

    reattestation_round_withdraw(round_=round_, reason="Marked material by mistake", user=factories.make_user())

    assert _rows(team, made, clocks.AS_IT_WAS) == as_it_was
    assert _rows(team, made, clocks.AS_RECORDED) == as_recorded
    now = timezone.now()
    assert people_differing(team, made, now) == [ben]
    lines = changes_since(team, made, now)
    assert any(
        line.startswith("The re-attestation round for Attest the social media policy opened ")
        and "was withdrawn" in line
        and line.endswith("it asks nothing of anyone on any day.")
        for line in lines
    ), lines
