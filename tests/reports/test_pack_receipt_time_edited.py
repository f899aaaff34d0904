"""A pack made before the portal kept each pack's PDF SHA-256 is checked by its manifest alone; a later pack of the
same CSV, altered, its manifest printing the earlier pack's id, was refused only because its receipt was issued after
the earlier pack was finished. With the receipt's time edited to before then as well, it passed, with the note that
only its manifest was checked. The receipt is signed over its entry, hash and time with a key the database does not
hold, so an edited time no longer verifies: `verify_pack` checks the printed receipt's signature, and a receipt
issued before its pack was asked for is not that pack's either. A genuine pack from before the SHA-256 still passes
with its note."""

import datetime
import re

from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader, PdfWriter

from portal.reports.basis import AS_RECORDED
from portal.reports.models import EvidencePack
from portal.reports.pack_verify import manifest_read
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made
from tests.reports.test_pack_pdf_checked import _altered
from tests.reports.test_team_history_packs import _day, _private_media, history

__all__ = ["_private_media", "history"]  # the fixtures: the organisation as recorded 500 days ago, own storage

ONLY_MANIFEST = "was made before the portal kept the SHA-256 of each pack's PDF: only its manifest"
# The receipt names its key (configured here), so an edited one is named as altered (test_pack_receipt_key_rotated).
NOT_SIGNED = (
    "Problem: The receipt printed in the manifest is not one the portal signed: its signature does not verify for "
    "the entry, hash and time it prints with the key it names (id {key_id}, which is configured here), so one of "
    "them was altered."
)


def _verify(pdf, twin, capsys) -> tuple[bool, str]:
    try:
        call_command("verify_pack", str(pdf), str(twin))
    except CommandError as error:
        assert str(error) == "The pack does not match the records."
        return False, capsys.readouterr().out
    return True, capsys.readouterr().out


def _issued(pdf) -> str:
    """The receipt's time as the manifest prints it."""
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    return re.search(r"Receipt issued:\s*(\S+)", text).group(1)


def _receipt_time_edited(pdf, tmp_path, name: str, to: str):
    """A copy of `pdf` with its receipt's time printed as `to`, wherever it is printed (its row and its JSON)."""
    was = _issued(pdf).encode()
    writer = PdfWriter(clone_from=PdfReader(pdf))
    for page in writer.pages:
        contents = page.get_contents()
        contents.set_data(contents.get_data().replace(was, to.encode()))
        page.replace_contents(contents)
    path = tmp_path / f"edited-{name}.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert manifest_read(path)["made"] == datetime.datetime.fromisoformat(to)  # the edit reads back
    return path


def _two_packs(history, hr, tmp_path):
    """Two packs of the same day as recorded then (the same CSV), the second made two minutes after the first, and
    the first made before the portal kept its PDF's SHA-256."""
    client, day = client_for(hr), _day()
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = pack_made(client, history["comms"], day, AS_RECORDED)
    first_pdf, first_twin = pack_downloaded(client, first, tmp_path / "first")
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2), tick=True):  # receipts are to the second
        second = pack_made(client, history["comms"], day, AS_RECORDED)
        second_pdf, second_twin = pack_downloaded(client, second, tmp_path / "second")
    assert first_twin.read_bytes() == second_twin.read_bytes()
    EvidencePack.objects.filter(pk=first.pk).update(pdf_sha256="")
    return (first, first_pdf, first_twin), (second, second_pdf, second_twin)


def test_a_later_pack_printing_an_earlier_ones_id_with_its_receipt_time_edited_is_refused(
    history, hr, tmp_path, capsys
):
    (first, first_pdf, _), (second, second_pdf, twin) = _two_packs(history, hr, tmp_path)
    forged = _altered(second_pdf, tmp_path, "forged", [0, 2], as_pack=(second.pk, first.pk))
    forged = _receipt_time_edited(forged, tmp_path, "forged", to=_issued(first_pdf))
    assert manifest_read(forged)["pack_id"] == first.pk

    ok, out = _verify(forged, twin, capsys)

    assert not ok, out
    assert NOT_SIGNED.format(key_id=manifest_read(forged)["receipt"].key_id) in out


def test_a_receipt_time_edited_on_a_genuine_pack_is_refused(history, hr, tmp_path, capsys):
    """The time moved by a second, still inside the pack's making: only the signature can tell."""
    (_, first_pdf, first_twin), _ = _two_packs(history, hr, tmp_path)
    issued = datetime.datetime.fromisoformat(_issued(first_pdf))
    earlier = (issued - datetime.timedelta(seconds=1)).isoformat()
    edited = _receipt_time_edited(first_pdf, tmp_path, "first", to=earlier)

    ok, out = _verify(edited, first_twin, capsys)

    assert not ok, out
    assert NOT_SIGNED.format(key_id=manifest_read(edited)["receipt"].key_id) in out


def test_a_receipt_issued_before_its_pack_was_asked_for_is_not_its_own(history, hr, tmp_path, capsys):
    """A receipt signed by the portal (the daily one, another pack's) printed in a pack asked for after it."""
    (first, first_pdf, first_twin), _ = _two_packs(history, hr, tmp_path)
    asked = EvidencePack.objects.get(pk=first.pk).requested_at
    EvidencePack.objects.filter(pk=first.pk).update(requested_at=asked + datetime.timedelta(seconds=5))

    ok, out = _verify(first_pdf, first_twin, capsys)

    assert not ok, out
    assert (
        f"Problem: The records' pack #{first.pk} is not the pack this manifest describes (its receipt was issued "
        "before that pack was asked for), so its PDF cannot be checked." in out
    )


def test_genuine_packs_from_before_and_after_the_pdf_sha256_still_pass(history, hr, tmp_path, capsys):
    (first, first_pdf, first_twin), (second, second_pdf, second_twin) = _two_packs(history, hr, tmp_path)

    ok, out = _verify(first_pdf, first_twin, capsys)
    assert ok, out
    assert f"OK: Pack #{first.pk} {ONLY_MANIFEST}" in out and "Problem" not in out

    ok, out = _verify(second_pdf, second_twin, capsys)
    assert ok, out
    assert f"OK: The PDF is pack #{second.pk} as it was made" in out
