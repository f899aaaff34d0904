"""The ledger is append-only in the database itself, not just in the application: the triggers refuse even the
tables' owner (the app role is refused before the triggers are reached: test_db_roles.py)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from portal.compliance.models import EvidenceEntry, LedgerHead
from tests.dbrole import as_owner, owner_without_ledger_triggers


def test_update_through_the_orm_is_refused(record):
    entry = record("a")
    with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        EvidenceEntry.objects.filter(pk=entry.pk).update(source_ref="changed")
    entry.refresh_from_db()
    assert entry.source_ref == "test a"


def test_delete_through_the_orm_is_refused(record):
    entry = record("a")
    with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        # The raw delete skips Django's own PROTECT check, so only the trigger stands in the way.
        EvidenceEntry.objects.filter(pk=entry.pk)._raw_delete(using="default")
    assert EvidenceEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_update_and_delete_are_refused(record):
    record("a")
    for sql in ["UPDATE compliance_evidenceentry SET reason = 'x'", "DELETE FROM compliance_evidenceentry"]:
        with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            connection.cursor().execute(sql)
    assert EvidenceEntry.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="TRUNCATE triggers exist only on PostgreSQL")
def test_truncate_is_refused_on_postgresql(record):
    record("a")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # settle the test transaction's deferred FK checks
    with as_owner(), pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.cursor().execute("TRUNCATE compliance_evidenceentry CASCADE")
    assert EvidenceEntry.objects.count() == 1


def test_verify_evidence_says_how_many_rows_it_checked(record):
    record("a")
    record("b")
    out = StringIO()
    call_command("verify_evidence", stdout=out)
    assert "intact: 2 entries checked" in out.getvalue()


def test_verify_evidence_names_the_first_row_changed_behind_the_apps_back(record):
    record("a")
    second = record("b")
    record("c")
    with owner_without_ledger_triggers(), connection.cursor() as cursor:  # what the database's owner could do
        cursor.execute(
            "UPDATE compliance_evidenceentry SET completed_at = %s WHERE id = %s",
            [second.completed_at.replace(year=second.completed_at.year - 1), second.pk],
        )
    with pytest.raises(CommandError, match=r"BROKEN at entry #2: entry #2 has been changed"):
        call_command("verify_evidence", stdout=StringIO())


def test_verify_evidence_notices_a_deleted_row(record):
    record("a")
    second = record("b")
    record("c")
    with owner_without_ledger_triggers(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM compliance_evidenceentry WHERE id = %s", [second.pk])
    with pytest.raises(CommandError, match=r"entry #2 is missing"):
        call_command("verify_evidence", stdout=StringIO())


@pytest.mark.parametrize("change", ["wind back", "forge"])
def test_the_head_can_only_name_the_last_entry_even_for_the_owner(record, change):
    first = record("a")
    last = record("b")
    seq, head_hash = (1, first.content_hash) if change == "wind back" else (2, "f" * 64)
    with as_owner(), pytest.raises(DatabaseError, match="last entry"), transaction.atomic():
        LedgerHead.objects.filter(pk=1).update(seq=seq, head_hash=head_hash)
    assert LedgerHead.objects.get().head_hash == last.content_hash


def test_a_second_head_is_refused_as_a_duplicate_as_get_or_create_expects(record):
    """Appenders racing to create a missing head row: the loser must see a duplicate key (get_or_create then reads
    the winner's row), not the head trigger's refusal, even though the winner has appended since."""
    record("a")
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        LedgerHead.objects.create(pk=1, seq=0, head_hash="0" * 64)
    assert "last entry" not in str(refused.value)
    assert LedgerHead.objects.get().seq == 1
