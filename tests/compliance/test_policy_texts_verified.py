"""`verify_evidence` checks the policy texts people attested to, not only the chain. A version's title and text are
frozen in an ordinary table; each attestation's ledger entry names the version by title, number and the start of the
text's SHA-256, inside the chain's hash. So a text changed in the database is named whichever way it was done: with
its stored hash left as it was (the hash no longer matches), or worked out again (the attestations' entries no longer
match). Before, a version's text could be rewritten under every attestation and `verify_evidence` said all was well."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement
from portal.compliance.models.ledger import snapshot_hash
from portal.compliance.policy_texts import policy_texts_verify
from portal.compliance.services import attestation_record, evidence_record
from tests import factories
from tests.dbrole import as_owner


@pytest.fixture
def attested(policy):
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = factories.make_snapshot(policy, version="2.0", text="Never post about patients.")
    people = [factories.make_staff() for _ in range(3)]
    for person in people:
        attestation_record(staff=person, snapshot=snapshot, user=None)
    assert EvidenceEntry.objects.filter(requirement=requirement, snapshot=snapshot).count() == 3
    return snapshot


def _verify() -> str:
    out = StringIO()
    call_command("verify_evidence", stdout=out)
    return out.getvalue()


def _refused() -> str:
    with pytest.raises(CommandError) as refused:
        _verify()
    return str(refused.value)


def test_untouched_texts_are_checked_and_pass(attested):
    said = _verify()

    report = policy_texts_verify()
    assert (report.versions, report.attestations, report.problems) == (PolicySnapshot.objects.count(), 3, [])
    assert f"{report.versions} policy versions and 3 attestations checked: every version is the text" in said


def test_a_text_changed_with_its_hash_left_is_named(attested):
    with as_owner():  # whoever can write the database: the app role may not (test_db_roles_frozen_tables)
        PolicySnapshot.objects.filter(pk=attested.pk).update(text="Post what you like.")

    refused = _refused()

    assert (
        f"Policy version 2.0 of “{attested.title}” (frozen #{attested.pk}): its title or text has been changed since "
        f"it was frozen (they no longer give the SHA-256 kept with them, {attested.content_hash[:12]}…)."
    ) in refused


def test_a_text_changed_with_its_hash_worked_out_again_is_named_by_the_attestations(attested):
    forged = snapshot_hash(title=attested.title, text="Post what you like.", recipe=attested.hash_recipe)
    with as_owner():
        PolicySnapshot.objects.filter(pk=attested.pk).update(text="Post what you like.", content_hash=forged)
    first = attested.attestation_ref

    refused = _refused()

    assert "has been changed since it was frozen" not in refused  # the forger kept the row consistent
    seq = min(EvidenceEntry.objects.filter(snapshot_id=attested.pk).values_list("seq", flat=True))
    assert (
        f"Policy version 2.0 of “{attested.title}” (frozen #{attested.pk}): 3 ledger entries (the first #{seq}) "
        f"record attestations of “{first}”, but the version now reads “{attested.title} version 2.0, text "
        f"{forged}”: its title, number or text has been changed since it was attested."
    ) in refused


def test_an_attestation_names_the_whole_hash_of_the_version(attested):
    """Not its first 12 characters (48 bits): whoever can write the database could try texts until one's SHA-256
    began the same, a few hours of one graphics card, and put it under every attestation with `verify_evidence` none
    the wiser. Another text with the same whole SHA-256 is out of anyone's reach."""
    refs = set(EvidenceEntry.objects.filter(snapshot=attested).values_list("source_ref", flat=True))

    assert refs == {f"{attested.title} version 2.0, text {attested.content_hash}"}


def test_attestations_recorded_with_the_first_12_characters_before_still_verify(attested):
    person = factories.make_staff()
    requirement = Requirement.objects.get(page_id=attested.page_id)
    evidence_record(
        staff=person,
        requirement=requirement,
        source=EvidenceEntry.ATTESTATION,
        source_ref=f"{attested.title} version 2.0, text {attested.content_hash[:12]}",  # as written until now
        idempotency_key="attested-before-the-whole-hash",
        completed_at=timezone.now(),
        snapshot=attested,
    )

    assert policy_texts_verify().problems == []
    with as_owner():
        PolicySnapshot.objects.filter(pk=attested.pk).update(version_label="2.1")
    problems = policy_texts_verify().problems
    assert len(problems) == 2  # the three named by the whole hash, and the one named by its start, each as it reads
    assert f"version 2.1, text {attested.content_hash[:12]}”: its title" in problems[1]


def test_a_version_with_the_longest_title_and_number_is_attested_whole(home_page):
    """A title of 255 characters and a number of 20 made a reference longer than the ledger keeps (300): PostgreSQL
    refused the attestation. The title is cut to fit; the hash still covers it whole."""
    policy = factories.make_policy(parent=home_page, title="Social media " * 19 + "policy..")
    requirement = factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = factories.make_snapshot(policy, version="2026.12.05-annual-rv")
    assert (len(snapshot.title), len(snapshot.version_label)) == (255, 20)

    (entry,) = attestation_record(staff=factories.make_staff(), snapshot=snapshot, user=None)

    entry.refresh_from_db()
    tail = f" version 2026.12.05-annual-rv, text {snapshot.content_hash}"
    assert entry.source_ref == f"{snapshot.title[: 300 - len(tail) - 1]}…{tail}" and entry.requirement == requirement
    assert policy_texts_verify().problems == []


@pytest.mark.parametrize(("field", "value"), [("title", "Another policy"), ("version_label", "1.9")])
def test_a_title_or_number_changed_is_named(attested, field, value):
    with as_owner():
        PolicySnapshot.objects.filter(pk=attested.pk).update(**{field: value})

    assert "3 ledger entries" in _refused()


def test_the_chain_is_still_reported_intact_beside_the_finding(attested):
    with as_owner():  # whoever can write the database: the app role may not (test_db_roles_frozen_tables)
        PolicySnapshot.objects.filter(pk=attested.pk).update(text="Post what you like.")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_evidence", stdout=out)
    assert "Evidence ledger intact" in out.getvalue() and "1 problem." in out.getvalue()
