"""An evidence pack made before the portal wrote a cell starting with a full-width formula sign (＝ ＋ － ＠) as text
(b3bfd87) still verifies, and `verify_pack` says why its CSV reads differently from one made now. The pack's CSV twin
wrote such a cell as it was; rebuilt now, the cell gets the apostrophe every formula sign gets, so `verify_pack`
called a genuine pack false ("Rebuilt from the ledger, the CSV differs: line 3 reads '...＝Sam...' in the file but
''＝Sam...' from the ledger") and an inspector checking it was told it did not match the records. A file differing in
anything else, or an apostrophe missing before an ASCII sign, is still refused."""

import datetime

import pytest
from django.core.management.base import CommandError
from django.utils import timezone

from portal.lib import formula_text
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests.reports import test_team_history_packs
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made
from tests.reports.test_pack_after_person_renamed import verified_later

# The organisation as the roster recorded it 500 days ago, each test's own private storage.
history, _private_media = test_team_history_packs.history, test_team_history_packs._private_media


def day():
    return timezone.localdate() - datetime.timedelta(days=40)


# The signs a cell was given an apostrophe for before b3bfd87.
ASCII_ONLY = frozenset(("=", "+", "-", "@", "\t", "\r"))


def _pack_made_before(client, team, basis, tmp_path, monkeypatch):
    with monkeypatch.context() as before:
        before.setattr(formula_text, "FORMULA_FIRST", ASCII_ONLY)
        return pack_downloaded(client, pack_made(client, team, day(), basis), tmp_path)


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_a_pack_from_before_full_width_signs_were_text_still_verifies(
    history, hr, tmp_path, capsys, monkeypatch, basis
):
    sam = history["sam"]
    sam.first_name = "\uff1dHYPERLINK(1)"
    sam.save()
    pdf, twin = _pack_made_before(client_for(hr), history["comms"], basis, tmp_path, monkeypatch)
    assert f"{sam.employee_number},\uff1dHYPERLINK(1) Digital,".encode() in twin.read_bytes()

    out = verified_later(pdf, twin, capsys)
    assert "The pack matches the records." in out
    assert "made before the portal wrote a cell starting with a full-width formula sign" in out
    assert "\uff1dHYPERLINK(1) Digital" in out


def test_an_apostrophe_missing_before_an_ascii_sign_is_still_a_difference(history, hr, tmp_path, capsys):
    sam = history["sam"]
    sam.first_name = "=HYPERLINK(1)"
    sam.save()
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], day(), AS_RECORDED), tmp_path)
    twin.write_bytes(twin.read_bytes().replace(b",'=HYPERLINK", b",=HYPERLINK"))

    with pytest.raises(CommandError):
        verified_later(pdf, twin, capsys)
    assert "Rebuilt from the ledger, the CSV differs: line 3 reads" in capsys.readouterr().out
