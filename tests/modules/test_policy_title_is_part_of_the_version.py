"""A policy's title is part of the version staff attest to (invariant 2): a title-only change is a new version, minor
(no round), frozen with the new title, and whoever attests after it names that version. Its hash covers the title
(`PolicySnapshot.TITLE_AND_TEXT`); versions frozen before keep the recipe they were hashed with, so their stored
hashes still check out and no row is rewritten."""

import datetime
import hashlib
from importlib import import_module

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from modules.models import PolicyPage
from portal.compliance import status
from portal.compliance.models import PolicySnapshot, ReattestationRound, Requirement, RequirementStatus
from portal.compliance.projection import refresh
from portal.compliance.services import attestation_record
from tests import factories
from tests.compliance.test_attestation import attest

NEW_TITLE = "Social Media and Online Content Policy"


@pytest.fixture
def attestation(policy):
    return factories.make_requirement(name="Attest the policy", kind=Requirement.ATTEST_POLICY, page=policy)


@pytest.fixture
def staff(person, attestation):
    staff = factories.make_staff(user=person, start_date=datetime.date(2015, 4, 1))
    refresh(staff_ids=[staff.pk])
    return staff


def _retitled(policy, label: str) -> PolicyPage:
    """The policy's next revision with only its title changed, answered as the CMS asks (no section changed)."""
    page = PolicyPage.objects.get(pk=policy.pk).get_latest_revision_as_object()
    page.title, page.version_label = NEW_TITLE, label
    page.change_base = page.latest_snapshot().content_hash
    page.section_changes, page.reattest_deadline = [], None
    return page


def test_a_new_title_under_the_same_number_is_refused(policy):
    before = policy.latest_snapshot()
    page = _retitled(policy, before.version_label)

    with pytest.raises(ValidationError) as refused:
        page.full_clean()

    assert refused.value.message_dict["version_label"] == [
        f"The title has changed since version {before.version_label} was published (it was “{before.title}”): "
        "give this version a new number."
    ]


def test_a_title_only_change_is_a_new_minor_version_and_the_next_attestation_names_it(
    person_client, staff, policy, attestation
):
    first = policy.latest_snapshot()
    attestation_record(staff=staff, snapshot=first, user=staff.user)
    page = _retitled(policy, "1.1")
    page.full_clean()
    page.save_revision().publish()

    latest = PolicySnapshot.objects.filter(page_id=policy.pk).latest()
    assert (latest.version_label, latest.title, latest.text) == ("1.1", NEW_TITLE, first.text)
    assert latest.pk != first.pk and latest.content_hash != first.content_hash
    assert (latest.material, latest.changes) == (False, [])
    assert not ReattestationRound.objects.exists()
    row = RequirementStatus.objects.get(staff=staff, requirement=attestation)
    assert (row.state(timezone.localdate()), row.renew_from) == (status.COMPLIANT, None)  # minor: nobody asked again

    response = attest(person_client, attestation.pk)

    assert response.status_code == 302
    entry = RequirementStatus.objects.get(staff=staff, requirement=attestation).evidence
    assert entry.snapshot == latest and entry.snapshot.title == NEW_TITLE


def test_a_new_version_hashes_its_title_with_its_text(policy):
    page = _retitled(policy, "1.1")
    page.full_clean()
    page.save_revision().publish()

    latest = PolicySnapshot.objects.filter(page_id=policy.pk).latest()

    assert latest.hash_recipe == PolicySnapshot.TITLE_AND_TEXT
    expected = hashlib.sha256(f"{NEW_TITLE}\n\n{latest.text}".encode()).hexdigest()
    assert latest.content_hash == expected and latest.content_hash_matches()
    latest.title = "Another title"  # in memory only: what a changed row would hold
    assert not latest.content_hash_matches()


def test_a_version_frozen_before_keeps_its_hash_of_the_text_alone(policy):
    """As migration 0019 leaves a row frozen before it: the hash of its text, the recipe saying so."""
    text = "1 Purpose\nThink before you post."
    old = PolicySnapshot.objects.create(
        page=policy,
        version_label="0.9",
        effective_date=datetime.date(2024, 1, 1),
        title="Social Media Policy",
        text=text,
        sections=[{"number": "1", "heading": "Purpose", "text": "Think before you post."}],
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        hash_recipe=PolicySnapshot.TEXT_ONLY,
    )

    assert PolicySnapshot.objects.get(pk=old.pk).content_hash_matches()
    old.text += " Changed."
    assert not old.content_hash_matches()


def test_the_migration_gives_every_earlier_version_the_text_only_recipe():
    migration = import_module("portal.compliance.migrations.0019_snapshot_hash_recipe").Migration
    (operation,) = migration.operations
    assert (operation.name, operation.field.default, operation.preserve_default) == (
        "hash_recipe",
        PolicySnapshot.TEXT_ONLY,
        False,
    )
