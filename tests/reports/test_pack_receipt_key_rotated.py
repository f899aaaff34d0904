"""A genuine evidence pack whose receipt key has since been changed, without the old key listed in
PORTAL_RECEIPT_RETIRED_KEYS, cannot have its receipt checked, and `verify_pack` says exactly that: which key signed it
(its id, printed on the receipt), that it is not among the keys configured (naming theirs), and the setting to add it
to. Before, it read as a forgery ("one of them was altered (or it was signed with a key other than
PORTAL_RECEIPT_KEY)"). A pack whose receipt was edited still fails as altered, with its own words, once its key is
configured; `verify_evidence --receipts` names the key of such a receipt the same way."""

import datetime
import hashlib
import hmac

import pytest
from django.core.management import CommandError, call_command

from portal.compliance.receipts import receipt_publish
from portal.reports.basis import AS_RECORDED
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made
from tests.reports.test_pack_receipt_time_edited import _issued, _receipt_time_edited, _verify
from tests.reports.test_team_history_packs import _day, _private_media, history

__all__ = ["_private_media", "history"]  # the fixtures: the organisation as recorded 500 days ago, own storage

OLD = "the-old-receipt-key-at-least-thirty-two-characters"
NEW = "the-new-receipt-key-at-least-thirty-two-characters"
OTHER = "a-retired-key-that-signed-none-of-these-thirty-two"


def _id(key: str) -> str:
    """A key's id as docs/deploy.md gives it: HMAC-SHA256 of a fixed message under the key, 12 hex digits."""
    return hmac.new(key.encode(), b"evidence ledger receipt key id", hashlib.sha256).hexdigest()[:12]


def _not_configured(retired: str) -> str:
    return (
        f"Problem: The receipt printed in the manifest cannot be checked: it was signed with the receipt key whose id "
        f"is {_id(OLD)}, which is not among the keys configured here (PORTAL_RECEIPT_KEY, id {_id(NEW)}; {retired}). "
        "If the receipt key was changed since, add the old key to PORTAL_RECEIPT_RETIRED_KEYS (comma-separated) and "
        "check again; if no key of this portal ever had that id, the receipt is not the portal's."
    )


ALTERED = (
    f"Problem: The receipt printed in the manifest is not one the portal signed: its signature does not verify for "
    f"the entry, hash and time it prints with the key it names (id {_id(OLD)}, which is configured here), so one of "
    "them was altered."
)


def _problems(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("Problem")]


@pytest.fixture
def made_with_the_old_key(history, hr, tmp_path, settings):
    settings.PORTAL_RECEIPT_KEY, settings.PORTAL_RECEIPT_RETIRED_KEYS = OLD, []
    client = client_for(hr)
    pack = pack_made(client, history["comms"], _day(), AS_RECORDED)
    pdf, twin = pack_downloaded(client, pack, tmp_path)
    settings.PORTAL_RECEIPT_KEY = NEW  # changed since
    return pdf, twin


@pytest.mark.parametrize(
    ("retired", "words"),
    [([], "no PORTAL_RECEIPT_RETIRED_KEYS"), ([OTHER], f"PORTAL_RECEIPT_RETIRED_KEYS, id {_id(OTHER)}")],
)
def test_a_genuine_pack_whose_key_was_changed_names_the_key_and_the_setting(
    made_with_the_old_key, settings, capsys, retired, words
):
    pdf, twin = made_with_the_old_key
    settings.PORTAL_RECEIPT_RETIRED_KEYS = retired

    ok, out = _verify(pdf, twin, capsys)

    assert not ok, out
    assert _problems(out) == [_not_configured(words)]


def test_with_the_old_key_listed_it_passes(made_with_the_old_key, settings, capsys):
    pdf, twin = made_with_the_old_key
    settings.PORTAL_RECEIPT_RETIRED_KEYS = [OLD]

    ok, out = _verify(pdf, twin, capsys)

    assert ok, out
    assert _problems(out) == []


def test_a_pack_with_its_receipt_edited_fails_as_altered_once_its_key_is_configured(
    made_with_the_old_key, settings, capsys, tmp_path
):
    pdf, twin = made_with_the_old_key
    earlier = (datetime.datetime.fromisoformat(_issued(pdf)) - datetime.timedelta(seconds=1)).isoformat()
    edited = _receipt_time_edited(pdf, tmp_path, "edited", to=earlier)

    # Its key not configured, nothing can tell an edited receipt from a genuine one: the key is named.
    ok, out = _verify(edited, twin, capsys)
    assert not ok, out
    assert _not_configured("no PORTAL_RECEIPT_RETIRED_KEYS") in _problems(out)

    settings.PORTAL_RECEIPT_RETIRED_KEYS = [OLD]
    ok, out = _verify(edited, twin, capsys)
    assert not ok, out
    assert ALTERED in _problems(out)
    assert not any("not among the keys configured" in problem for problem in _problems(out)), _problems(out)


def test_verify_evidence_names_the_key_of_a_receipt_it_cannot_check(db, settings, tmp_path):
    settings.PORTAL_RECEIPT_DIR, settings.PORTAL_RECEIPT_DIR_CREATE = str(tmp_path), True
    settings.PORTAL_RECEIPT_KEY, settings.PORTAL_RECEIPT_RETIRED_KEYS = OLD, []
    receipt, _ = receipt_publish(occasion="before the change")
    settings.PORTAL_RECEIPT_KEY = NEW

    with pytest.raises(CommandError) as refused:
        call_command("verify_evidence", "--receipts", str(tmp_path))

    assert (
        f"it was signed with the receipt key whose id is {_id(OLD)}, which is not among the keys configured here "
        f"(PORTAL_RECEIPT_KEY, id {_id(NEW)}; no PORTAL_RECEIPT_RETIRED_KEYS)"
    ) in str(refused.value)
    assert receipt.key_id == _id(OLD)
