"""A round HR withdrew is not opened again by another door: publishing the same revision again (the CMS's publish,
a workflow approval or a schedule publish the revision with Wagtail's `revision.publish`) or calling the publish
service again freezes no new version and opens no round; the attestation someone made to the version meanwhile
still counts."""

import datetime

import pytest
from django.utils import timezone

from modules.models import PolicyPage
from modules.publishing import policy_version_publish
from portal.compliance.models import EvidenceEntry, PolicySnapshot, ReattestationRound, Requirement, RequirementStatus
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record, reattestation_round_withdraw
from tests import factories
from tests.compliance.test_attestation import publish_new_version


@pytest.fixture
def attestation(policy):
    return factories.make_requirement(name="Attest the policy", kind=Requirement.ATTEST_POLICY, page=policy)


@pytest.fixture
def staff(attestation):
    people = [factories.make_staff(start_date=datetime.date(2015, 4, 1)) for _ in range(2)]
    refresh(requirement_ids=[attestation.pk])
    return people


def _withdrawn_version_2(policy, attestation, staff):
    """Both attested 1.0; 2.0 goes live as a material change; one attests it; HR withdraws the round."""
    for person in staff:
        attestation_record(staff=person, snapshot=policy.latest_snapshot(), user=person.user)
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    version_2 = publish_new_version(
        policy, "2.0", PolicyPage.MATERIAL, "You must now", deadline, section_text="Always use the disclaimer."
    )
    attestation_record(staff=staff[0], snapshot=version_2, user=staff[0].user)
    round_ = ReattestationRound.objects.get(requirement=attestation)
    reattestation_round_withdraw(round_=round_, reason="Marked material by mistake", user=factories.make_user())
    return version_2, round_


def _standing(attestation) -> list[tuple]:
    rows = RequirementStatus.objects.filter(requirement=attestation).order_by("staff_id")
    return list(rows.values_list("staff_id", "evidence_id", "expires_on", "due_on", "renew_from"))


def test_publishing_the_same_revision_again_opens_no_round(policy, attestation, staff):
    version_2, round_ = _withdrawn_version_2(policy, attestation, staff)
    standing = _standing(attestation)
    assert all(renew_from is None for *_, renew_from in standing)

    PolicyPage.objects.get(pk=policy.pk).get_latest_revision().publish()
    policy_version_publish(page=PolicyPage.objects.get(pk=policy.pk))

    assert list(PolicySnapshot.objects.filter(page_id=policy.pk).values_list("version_label", flat=True)) == [
        "2.0",
        "1.0",
    ]
    assert list(ReattestationRound.objects.filter(requirement=attestation)) == [round_]
    assert ReattestationRound.objects.in_force().filter(requirement=attestation).count() == 0
    assert _standing(attestation) == standing
    # The attestation to 2.0 made during the round is still the one counting for the person who made it.
    row = RequirementStatus.objects.get(staff=staff[0], requirement=attestation)
    assert row.evidence.source == EvidenceEntry.ATTESTATION and row.evidence.snapshot == version_2
