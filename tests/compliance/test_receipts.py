"""Signed receipts of the ledger's head name the rewrites that the hash chain alone cannot see.

Each attack is made as whoever controls the database would make it: triggers dropped, rows changed, hashes recomputed,
the head wound back. Without receipts `verify_evidence` finds the chain intact (the limit receipts exist to close);
with them it names the receipt that no longer matches and what is wrong.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from portal.compliance.ledger import entry_hash
from portal.compliance.models import EvidenceEntry, LedgerHead
from portal.compliance.receipts import _signature, receipt_publish
from tests.dbrole import owner_without_ledger_triggers

MAILBOX = "ledger-receipts@example.nhs.uk"


@pytest.fixture
def store(settings, tmp_path):
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")
    settings.PORTAL_RECEIPT_EMAIL = MAILBOX
    return tmp_path / "receipts"


def _verify(*args) -> str:
    out = StringIO()
    call_command("verify_evidence", *args, stdout=out)
    return out.getvalue()


def _refused(*args) -> str:
    with pytest.raises(CommandError) as refused:
        _verify(*args)
    return str(refused.value)


def _rechain(from_seq: int) -> None:
    """Recompute the hash of every entry from `from_seq` on, each linked to the one before, and move the head: the
    chain checks again. Call with the triggers dropped."""
    previous = EvidenceEntry.objects.filter(seq=from_seq - 1).values_list("content_hash", flat=True).first()
    for entry in EvidenceEntry.objects.filter(seq__gte=from_seq).order_by("seq"):
        if previous is not None:
            entry.prev_hash = previous
        entry.content_hash = previous = entry_hash(entry)
        EvidenceEntry.objects.filter(pk=entry.pk).update(prev_hash=entry.prev_hash, content_hash=entry.content_hash)
    _wind_head_to_last_entry()


def _wind_head_to_last_entry() -> None:
    seq, head_hash = EvidenceEntry.objects.order_by("-seq").values_list("seq", "content_hash").first()
    LedgerHead.objects.filter(pk=1).update(seq=seq, head_hash=head_hash)


def test_truncating_the_tail_and_winding_the_head_back_is_named(record, store):
    record("a")
    record("b")
    last = record("c")
    receipt, path = receipt_publish(occasion="test")
    assert receipt.seq == 3
    with owner_without_ledger_triggers(), connection.cursor() as cursor:
        cursor.execute("UPDATE compliance_requirementstatus SET evidence_id = NULL WHERE evidence_id = %s", [last.pk])
        cursor.execute("DELETE FROM compliance_evidenceentry WHERE seq = 3")
        _wind_head_to_last_entry()

    assert "intact: 2 entries checked" in _verify()  # the chain alone cannot tell
    message = _refused("--receipts", str(store))
    assert f"Receipt {path.name} does not match" in message
    assert "names entry #3, but the ledger now ends at entry #2 (its head table says #2)" in message
    assert "entries from #3 on were removed" in message


def test_a_forged_entry_with_its_hash_recomputed_is_named(record, store):
    record("a")
    record("b")
    last = record("c")
    receipt, path = receipt_publish(occasion="test")
    with owner_without_ledger_triggers():
        EvidenceEntry.objects.filter(pk=last.pk).update(completed_at=last.completed_at.replace(year=2020))
        _rechain(3)

    assert "intact: 3 entries checked" in _verify()
    message = _refused("--receipts", str(store))
    forged = EvidenceEntry.objects.get(seq=3).content_hash
    assert f"Receipt {path.name} does not match: entry #3 now has hash {forged}" in message
    assert f"the receipt says {receipt.head_hash}" in message
    assert "changed or forged and the chain recomputed" in message


def test_an_old_entry_changed_and_everything_after_it_rechained_is_named(record, store):
    record("a")
    _, early = receipt_publish(occasion="test")  # at entry #1, before the change: still matches
    second = record("b")
    record("c")
    record("d")
    _, late = receipt_publish(occasion="test")
    with owner_without_ledger_triggers():
        EvidenceEntry.objects.filter(pk=second.pk).update(source_ref="a different course")
        _rechain(2)

    assert "intact: 4 entries checked" in _verify()
    with pytest.raises(CommandError) as refused:
        call_command("verify_evidence", "--receipts", str(store), stdout=(out := StringIO()))
    assert f"Receipt {early.name}: entry #1 matches." in out.getvalue()
    assert f"Receipt {late.name} does not match: entry #4 now has hash" in str(refused.value)
    assert early.name not in str(refused.value)


def test_a_rewrite_after_the_latest_receipt_is_not_seen_until_the_next(record, store):
    record("a")
    receipt_publish(occasion="test")
    last = record("b")
    with owner_without_ledger_triggers():
        EvidenceEntry.objects.filter(pk=last.pk).update(source_ref="rewritten")
        _rechain(2)

    out = _verify("--receipts", str(store))  # the documented limit: entry #2 is covered by no receipt yet
    assert "Entries up to #1 are confirmed by a receipt; 1 entries after it are covered by none yet." in out
    receipt_publish(occasion="test")  # from now on, this rewrite is what the ledger says
    assert "Entries up to #2 are confirmed" in _verify("--receipts", str(store))


def test_an_intact_ledger_matches_every_receipt(record, store):
    record("a")
    _, first = receipt_publish(occasion="test")
    record("b")
    _, second = receipt_publish(occasion="test")
    out = _verify("--receipts", str(store))
    assert f"Receipt {first.name}: entry #1 matches." in out
    assert f"Receipt {second.name}: entry #2 matches." in out
    assert "2 receipts checked. Entries up to #2 are confirmed by a receipt; 0 entries after it" in out


def test_a_receipt_altered_to_match_a_rewrite_fails_its_signature(record, store):
    record("a")
    _, path = receipt_publish(occasion="test")
    data = json.loads(path.read_text())
    data["head_hash"] = "f" * 64
    path.write_text(json.dumps(data))
    message = _refused("--receipts", str(store))
    assert f"Receipt {path.name} does not match: its signature does not verify" in message


def test_a_receipt_signed_with_another_key_fails(record, store, settings):
    record("a")
    settings.PORTAL_RECEIPT_KEY = "another-key-that-is-at-least-thirty-two-characters"
    receipt_publish(occasion="test")
    settings.PORTAL_RECEIPT_KEY = "the-portals-own-key-at-least-thirty-two-characters"
    # It names its key, which is not configured (test_pack_receipt_key_rotated has the words).
    assert "its signature cannot be checked: it was signed with the receipt key whose id is" in _refused(
        "--receipts", str(store)
    )


def test_a_file_that_is_not_a_receipt_is_named(record, store):
    record("a")
    receipt_publish(occasion="test")
    (store / "notes.json").write_text('{"seq": 1}')
    assert "Receipt notes.json does not match: it is not a ledger receipt" in _refused("--receipts", str(store))


def test_an_empty_receipt_store_is_refused(db, tmp_path):
    assert "No receipts (*.json) found" in _refused("--receipts", str(tmp_path))


def test_publish_receipt_writes_a_new_file_each_time_and_emails_it(record, store, mailoutbox):
    record("a")
    out = StringIO()
    call_command("publish_receipt", stdout=out)
    record("b")
    call_command("publish_receipt", stdout=out)
    files = sorted(store.glob("*.json"))
    assert [json.loads(f.read_text())["seq"] for f in files] == [1, 2]
    assert f"Emailed to {MAILBOX}." in out.getvalue()
    assert [m.to for m in mailoutbox] == [[MAILBOX], [MAILBOX]]
    message = mailoutbox[1]
    assert message.subject == "Evidence ledger receipt: entry #2 (daily)"
    name, content, mimetype = message.attachments[0]
    assert (name, content, mimetype) == (files[1].name, files[1].read_text(), "application/json")


def test_without_a_mailbox_the_receipt_is_still_written(record, store, settings, mailoutbox):
    settings.PORTAL_RECEIPT_EMAIL = ""
    record("a")
    out = StringIO()
    call_command("publish_receipt", stdout=out)
    assert "Not emailed: PORTAL_RECEIPT_EMAIL is not set." in out.getvalue()
    assert len(list(store.glob("*.json"))) == 1 and not mailoutbox


def test_a_receipt_of_an_empty_ledger_is_valid(db, store):
    receipt, _ = receipt_publish(occasion="test")
    assert receipt.seq == 0
    assert "Entries up to #0 are confirmed" in _verify("--receipts", str(store))


def test_a_receipt_file_is_never_overwritten(record, store, monkeypatch):
    record("a")
    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    _, path = receipt_publish(occasion="test")
    _, again = receipt_publish(occasion="test")  # the same receipt in the same second: one file, unchanged
    assert again == path and len(list(store.glob("*.json"))) == 1
    path.write_text("kept as found")
    with pytest.raises(FileExistsError):
        receipt_publish(occasion="test")
    assert path.read_text() == "kept as found"


def test_receipts_signed_before_the_key_was_changed_still_check_with_it_retired(record, store, settings):
    """A trust changes the receipt key (a yearly rotation, or a key that may have leaked): receipts signed with the
    old one check once it is listed in PORTAL_RECEIPT_RETIRED_KEYS, which signs nothing new. Before, the only way to
    keep them checkable was to keep signing with the old key."""
    old, new = "the-old-key-at-least-thirty-two-characters-long", "the-new-key-at-least-thirty-two-characters-long"
    record("a")
    settings.PORTAL_RECEIPT_KEY = old
    receipt_publish(occasion="before the change")
    record("b")
    settings.PORTAL_RECEIPT_KEY, settings.PORTAL_RECEIPT_RETIRED_KEYS = new, []
    after, _ = receipt_publish(occasion="after the change")
    assert "add the old key to PORTAL_RECEIPT_RETIRED_KEYS" in _refused("--receipts", str(store))

    settings.PORTAL_RECEIPT_RETIRED_KEYS = [old]
    assert "2 receipts checked" in _verify("--receipts", str(store))
    # The retired key signs nothing new: a receipt made now is signed with PORTAL_RECEIPT_KEY.
    now, _ = receipt_publish(occasion="with a key retired")
    assert now.signature == _signature(now.seq, now.head_hash, now.issued_at, new.encode())
    assert after.signature == _signature(after.seq, after.head_hash, after.issued_at, new.encode())

    settings.PORTAL_RECEIPT_RETIRED_KEYS = ["a-key-that-signed-nothing-here-thirty-two-chars"]
    assert "; PORTAL_RECEIPT_RETIRED_KEYS, id " in _refused("--receipts", str(store))
