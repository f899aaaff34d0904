"""A version that brings back the text someone attested (an editor undoing a material change: version 3.0 restores
what 2.0 changed in 1.0) asks nothing more of them. Whoever attested 1.0 attested exactly the words now in force, so
they stay compliant to their own renewal date; whoever attested 2.0 attests again by 3.0's deadline, told what
changed. Before, the 1.0 attester was shown "Due soon", due by 3.0's deadline (2.0's round still asking, and 3.0's
too), with no "what changed" to read: nothing had."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance import status
from portal.compliance.dates import add_months
from portal.compliance.models import ReattestationRound, RequirementStatus
from portal.compliance.policy_versions import policy_change_notices_for_staff
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance.test_attestation import attest, attestation, publish_new_version, staff  # noqa: F401 - fixtures

ORIGINAL = "Speak for yourself."


@pytest.fixture
def other(attestation):  # noqa: F811
    user = factories.make_user()
    member = factories.make_staff(user=user)
    refresh(staff_ids=[member.pk])
    client = Client()
    client.force_login(user)
    return member, client


def _deadline(days):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def restored(person_client, staff, other, attestation, policy):  # noqa: F811
    assert attest(person_client, attestation.pk).status_code == 302  # version 1.0
    publish_new_version(
        policy, "2.0", PolicyPage.MATERIAL, reason="New rule", deadline=_deadline(20), section_text="Always."
    )
    assert attest(other[1], attestation.pk).status_code == 302  # version 2.0
    publish_new_version(
        policy, "3.0", PolicyPage.MATERIAL, reason="Rule withdrawn", deadline=_deadline(40), section_text=ORIGINAL
    )
    return staff, other[0]


def _row(staff, attestation):  # noqa: F811
    return RequirementStatus.objects.get(staff=staff, requirement=attestation)


def test_who_attested_the_text_brought_back_stays_compliant_to_their_own_renewal(restored, attestation):  # noqa: F811
    first, _ = restored
    row = _row(first, attestation)
    today = timezone.localdate()
    assert row.state(today) == status.COMPLIANT
    assert (row.expires_on, row.renew_from) == (add_months(today, 12), None)
    assert policy_change_notices_for_staff(first) == []


def test_who_attested_the_version_undone_attests_again_by_its_deadline_told_what_changed(
    restored,
    attestation,  # noqa: F811
):
    _, second = restored
    row = _row(second, attestation)
    assert row.state(timezone.localdate()) == status.DUE_SOON
    assert row.due_on == _deadline(40)
    [notice] = policy_change_notices_for_staff(second)
    assert notice.version_label == "3.0" and [s.number for s in notice.sections] == ["6.2"]


def test_the_round_says_which_versions_it_does_not_ask_again(restored, policy):
    latest = ReattestationRound.objects.get(snapshot__version_label="3.0")
    assert [v.version_label for v in latest.versions_not_asked_again()] == ["1.0"]


def test_rebuilding_from_the_ledger_gives_the_same(restored, attestation):  # noqa: F811
    before = {r.staff_id: (r.expires_on, r.due_on, r.renew_from) for r in RequirementStatus.objects.all()}
    refresh()
    after = {r.staff_id: (r.expires_on, r.due_on, r.renew_from) for r in RequirementStatus.objects.all()}
    assert before == after
