import datetime

import pytest
from django.utils import timezone

from portal.compliance import ledger
from portal.compliance.models import EvidenceEntry, LedgerHead, RequirementStatus
from portal.compliance.services import EvidenceError, evidence_void


def test_entries_form_a_chain_each_linking_to_the_one_before(record):
    first, second, third = record("a"), record("b"), record("c")
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == ledger.GENESIS_HASH
    assert second.prev_hash == first.content_hash
    assert third.prev_hash == second.content_hash
    assert LedgerHead.objects.get().head_hash == third.content_hash
    assert ledger.verify_chain().checked == 3


def test_the_hash_covers_the_content(record):
    entry = record("a")
    assert ledger.entry_hash(entry) == entry.content_hash
    entry.source_ref = "something else"
    assert ledger.entry_hash(entry) != entry.content_hash


def test_recording_the_same_key_twice_records_one_fact(record):
    first = record("same-key")
    again = record("same-key")
    assert again.pk == first.pk
    assert EvidenceEntry.objects.count() == 1


def test_the_status_projection_is_updated_with_the_entry(record, staff, requirement):
    completed = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))
    entry = record("a", completed_at=completed)
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    assert row.completed_on == datetime.date(2026, 3, 2)
    assert row.expires_on == datetime.date(2029, 3, 2)  # renewal_months=36
    assert row.evidence == entry


def test_a_correction_voids_an_entry_without_changing_it(record, staff, requirement, person):
    old = record("old", completed_at=timezone.now() - datetime.timedelta(days=400))
    wrong = record("wrong", completed_at=timezone.now() - datetime.timedelta(days=2))
    void = evidence_void(entry=wrong, reason="Recorded against the wrong person", voided_by=person)
    assert void.source == EvidenceEntry.VOID and void.voids == wrong and void.recorded_by == person
    wrong.refresh_from_db()
    assert ledger.entry_hash(wrong) == wrong.content_hash  # untouched
    row = RequirementStatus.objects.get(staff=staff, requirement=requirement)
    assert row.evidence == old  # the voided completion no longer counts
    assert ledger.verify_chain().intact


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_correction_needs_a_reason(record, person, reason):
    entry = record("a")
    with pytest.raises(EvidenceError, match="reason"):
        evidence_void(entry=entry, reason=reason, voided_by=person)
    assert EvidenceEntry.objects.count() == 1


def test_a_completion_in_the_future_is_refused(record):
    with pytest.raises(EvidenceError, match="future"):
        record("a", completed_at=timezone.now() + datetime.timedelta(days=1))
    assert not EvidenceEntry.objects.exists()


def test_a_bulk_append_continues_the_chain_and_skips_known_keys(record, staff, requirement):
    record("first")
    rows = [
        {
            "idempotency_key": key,
            "staff_id": staff.pk,
            "requirement_id": requirement.pk,
            "source": EvidenceEntry.IMPORT,
            "source_ref": f"bulk {key}",
            "completed_at": timezone.now() - datetime.timedelta(days=2),
        }
        for key in ["first", "b1", "b2", "b2", "b3"]
    ]
    assert ledger.append_many(rows, batch_size=2) == 3
    assert list(EvidenceEntry.objects.values_list("seq", flat=True)) == [1, 2, 3, 4]
    report = ledger.verify_chain()
    assert report.intact and report.checked == 4


def test_with_server_side_binding_the_entries_and_the_heads_move_go_one_at_a_time(record, staff, requirement):
    """psycopg's server-side binding takes one statement an execute: `seal` then sends the entries and the head's
    move apart, and the chain is the same."""
    from django.db import connection

    connection.settings_dict["OPTIONS"]["server_side_binding"] = True
    try:
        assert not ledger._one_trip()
        record("first")
        record("second")
    finally:
        del connection.settings_dict["OPTIONS"]["server_side_binding"]
    assert list(EvidenceEntry.objects.values_list("seq", flat=True)) == [1, 2]
    report = ledger.verify_chain()
    assert report.intact and report.checked == 2
    assert LedgerHead.objects.get().seq == 2


@pytest.mark.django_db(transaction=True)
def test_the_head_is_sealed_only_inside_a_transaction(staff, requirement):
    """Outside one, the head's lock would end with the statement that took it, and two appends could share a place."""
    from django.db.transaction import TransactionManagementError

    entry = EvidenceEntry(
        staff=staff,
        requirement=requirement,
        source=EvidenceEntry.MODULE,
        source_ref="outside",
        idempotency_key="outside",
        completed_at=timezone.now(),
    )
    with pytest.raises(TransactionManagementError, match="lock it in a transaction"):
        ledger.seal([entry])
    assert not EvidenceEntry.objects.exists() and not LedgerHead.objects.filter(seq__gt=0).exists()
