"""The policy page ends by asking signed-in staff to attest the published version, or saying when they did."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from modules.models import PolicyPage
from portal.compliance.models import PolicySnapshot, Requirement
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def requirement(policy):
    return factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)


def _signed_in_staff(client, **names):
    user = factories.make_user(**names)
    staff = factories.make_staff(user=user)
    refresh()
    factories.sign_in(client, user)
    return user, staff


def _end_of_page(client, policy) -> str:
    html = client.get(policy.url).content.decode()
    return html[html.index('id="revisions"') :]


def test_someone_who_has_not_attested_is_asked_to_at_the_end(client, policy, requirement):
    _signed_in_staff(client, first_name="Sam")

    end = _end_of_page(client, policy)
    assert "Confirm you have read and understood version 1.0" in end
    assert f'href="{reverse("attestation:attest", args=[requirement.pk])}"' in end
    assert "You attested" not in end


def test_someone_who_attested_this_version_is_told_when(client, policy, requirement):
    user, staff = _signed_in_staff(client, first_name="Priya")
    entries = attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=user)

    end = _end_of_page(client, policy)
    attested_on = entries[0].completed_at
    assert f"You attested version 1.0 on {attested_on.day} {attested_on:%B %Y}." in end
    assert "Confirm you have read" not in end


def test_someone_who_attested_an_earlier_version_is_asked_to_attest_this_one(client, policy, requirement):
    user, staff = _signed_in_staff(client)
    attestation_record(staff=staff, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=user)
    draft = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    draft.version_label = "1.1"
    draft.sections = [("section", {**dict(b.value), "body": "<p>Reworded.</p>"}) for b in draft.sections]
    draft.change_base = draft.latest_snapshot().content_hash
    draft.section_changes = [("change", {"section": n, "change": "minor", "reason": ""}) for n in ("6", "6.2", "9")]
    draft.save_revision().publish()

    end = _end_of_page(client, policy)
    assert "Confirm you have read and understood version 1.1" in end and "You attested" not in end


def test_someone_not_asked_to_attest_this_policy_sees_neither(client, policy):
    _signed_in_staff(client)  # no attestation requirement on this policy

    end = _end_of_page(client, policy)
    assert "Confirm you have read" not in end and "You attested" not in end


def test_finding_the_attestation_takes_two_queries(policy, requirement):
    page = PolicyPage.objects.get(pk=policy.pk)
    staff = factories.make_staff()
    refresh()
    with CaptureQueriesContext(connection) as queries:
        page.attestation_for(staff)
    # The latest snapshot; the person's attestation status rows for this policy, with their evidence.
    assert len(queries) == 2
