"""`verify_pack` checks the pack's PDF itself, not only the manifest printed on it: the manifest names the CSV twin's
SHA-256 and the ledger's head, so a pack with a page taken out, a page added, two pages swapped or a status changed
from Overdue to Compliant still said "The pack matches the records." Each pack's row now keeps the SHA-256 of the PDF
as made (`EvidencePack.pdf_sha256`), and the pack is found by the id its manifest prints (two packs of a past day
as recorded then have the same CSV: the row found by its CSV could be another pack's). A pack made before the row
kept it is checked by its manifest alone, and `verify_pack` says so."""

import datetime
import hashlib
import re

from django.core.management import CommandError, call_command
from django.utils import timezone
from freezegun import freeze_time
from pypdf import PdfReader, PdfWriter

from portal.reports.basis import AS_RECORDED
from portal.reports.models import EvidencePack
from portal.reports.pack_verify import manifest_read, pack_verify
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made
from tests.reports.test_packs import _pdf_text
from tests.reports.test_team_history_packs import _day, _private_media, history

__all__ = ["_private_media", "history"]  # the fixtures: the organisation as recorded 500 days ago, own storage


def _verify(pdf, twin, capsys) -> tuple[bool, str]:
    """(whether verify_pack passed the pack, what it printed)."""
    try:
        call_command("verify_pack", str(pdf), str(twin))
    except CommandError as error:
        assert str(error) == "The pack does not match the records."
        return False, capsys.readouterr().out
    return True, capsys.readouterr().out


def _altered(pdf, tmp_path, name: str, pages: list[int], status_to: bytes = b"", as_pack: tuple[int, int] = ()):
    """A copy of the pack's PDF with the pages at `pages` (of the original, in that order); with `status_to`, each
    status written Overdue on its people's page written so instead; with `as_pack` (its id, another), the other id
    printed wherever the pack's is (its manifest and its pages' header)."""
    reader = PdfReader(pdf)
    writer = PdfWriter()
    for number in pages:
        writer.add_page(reader.pages[number])
    if as_pack:
        was, now = (str(pk).encode() for pk in as_pack)
        for page in writer.pages:
            contents = page.get_contents()
            drawn = contents.get_data().replace(b"Evidence pack " + was + b":", b"Evidence pack " + now + b":")
            contents.set_data(
                re.sub(rb"(\(Pack\) Tj.*?\()" + was + rb"(\) Tj)", rb"\g<1>" + now + rb"\2", drawn, count=1, flags=re.S)
            )
            page.replace_contents(contents)
    if status_to:
        for page in writer.pages:
            contents = page.get_contents()
            drawn = contents.get_data()
            if b"(Evidence by person)" in drawn:
                contents.set_data(drawn.replace(b"(Overdue)", b"(" + status_to + b")"))
                page.replace_contents(contents)
    path = tmp_path / f"altered-{name}.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _alterations(pdf, tmp_path) -> dict:
    """The pack's PDF with a page taken out, one added, two swapped and a status changed: each still a PDF whose last
    page is the manifest, as an auditor would be given it."""
    count = len(PdfReader(pdf).pages)
    assert count == 3  # the cover, the people, the manifest
    altered = {
        "taken out": _altered(pdf, tmp_path, "out", [1, 2]),
        "added": _altered(pdf, tmp_path, "added", [0, 1, 1, 2]),
        "swapped": _altered(pdf, tmp_path, "swapped", [1, 0, 2]),
        "status changed": _altered(pdf, tmp_path, "status", [0, 1, 2], status_to=b"Compliant"),
    }
    people = _pdf_text(altered["status changed"]).split("Evidence by person")[1]
    assert "Compliant" in people and "Overdue" not in people  # the change reads back from the PDF
    return altered


def test_a_pack_pdf_with_a_page_taken_out_added_swapped_or_a_status_changed_does_not_match(
    history, hr, tmp_path, capsys
):
    client = client_for(hr)
    pack = pack_made(client, history["comms"], _day(), AS_RECORDED)
    pdf, twin = pack_downloaded(client, pack, tmp_path)
    ok, genuine = _verify(pdf, twin, capsys)
    assert ok, genuine

    for how, path in _alterations(pdf, tmp_path).items():
        ok, out = _verify(path, twin, capsys)
        assert not ok, how
        assert (
            f"Problem: The PDF is not pack #{pack.pk} as it was made: its SHA-256 differs from the one kept when it "
            "was made, so a page has been added, taken out, moved or changed." in out
        ), how
        assert "The CSV is the pack's twin" in out  # the twin and the ledger are still as the manifest names
    assert pack.pdf_sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert (
        f"OK: The PDF is pack #{pack.pk} as it was made: its SHA-256 matches the one kept when it was made." in genuine
    )


def test_two_packs_of_the_same_csv_each_checked_as_itself(history, hr, tmp_path, capsys):
    """Two packs of the same day as recorded then: the same CSV. The first was made before the row kept its PDF's
    SHA-256 (blank, as the migration leaves packs made before it). Each is found by its manifest's id: the second,
    altered, is refused naming it, not passed as the first; the first is checked by its manifest alone, and told so.
    The second altered with the first's id printed instead of its own is refused too: its receipt, printed in its
    manifest and signed, was issued after the first was finished."""
    client, day = client_for(hr), _day()
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = pack_made(client, history["comms"], day, AS_RECORDED)
    first_pdf, first_twin = pack_downloaded(client, first, tmp_path / "first")
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2), tick=True):  # receipts are to the second
        second = pack_made(client, history["comms"], day, AS_RECORDED)
        second_pdf, second_twin = pack_downloaded(client, second, tmp_path / "second")
    assert first_twin.read_bytes() == second_twin.read_bytes() and first.pk != second.pk
    EvidencePack.objects.filter(pk=first.pk).update(pdf_sha256="")

    ok, out = _verify(second_pdf, second_twin, capsys)
    assert ok, out
    assert f"The PDF is pack #{second.pk} as it was made" in out and f"#{first.pk} " not in out
    altered = _altered(second_pdf, tmp_path, "second", [1, 2])
    ok, out = _verify(altered, second_twin, capsys)
    assert not ok
    assert f"Problem: The PDF is not pack #{second.pk} as it was made" in out

    # The second, altered, its manifest's id (and its pages' header) made the first's: its receipt is its own.
    forged = _altered(second_pdf, tmp_path, "forged", [0, 2], as_pack=(second.pk, first.pk))
    assert f"Evidence pack {first.pk}:" in _pdf_text(forged) and manifest_read(forged)["pack_id"] == first.pk
    ok, out = _verify(forged, second_twin, capsys)
    assert not ok
    assert (
        f"Problem: The records' pack #{first.pk} is not the pack this manifest describes (its receipt was issued "
        "after that pack was finished), so its PDF cannot be checked." in out
    )

    ok, out = _verify(first_pdf, first_twin, capsys)
    assert ok, out
    only_manifest = (
        f"OK: Pack #{first.pk} was made before the portal kept the SHA-256 of each pack's PDF: only its manifest "
        "(the last page) is checked, not its other pages."
    )
    assert only_manifest in out and f"pack #{second.pk}" not in out


def test_a_pack_the_records_do_not_hold_or_hold_as_another_does_not_match(history, hr, tmp_path, capsys):
    """A pack whose id the records hold for another pack (a database from elsewhere), or not at all (restored from a
    backup taken before the pack was made): its PDF cannot be checked, and verify_pack says why."""
    client = client_for(hr)
    pack = pack_made(client, history["comms"], _day(), AS_RECORDED)
    pdf, twin = pack_downloaded(client, pack, tmp_path)

    EvidencePack.objects.filter(pk=pack.pk).update(csv_sha256="0" * 64)
    ok, out = _verify(pdf, twin, capsys)
    assert not ok
    assert (
        f"Problem: The records' pack #{pack.pk} is not the pack this manifest describes (its CSV SHA-256 differs), "
        "so its PDF cannot be checked." in out
    )

    EvidencePack.objects.filter(pk=pack.pk).delete()
    ok, out = _verify(pdf, twin, capsys)
    assert not ok
    assert (
        f"Problem: The records hold no pack #{pack.pk}, so its PDF cannot be checked: was the database restored "
        "from a backup taken before the pack was made?" in out
    )


def test_a_manifest_printing_no_pack_number_is_not_passed(org, tmp_path):
    """A PDF whose manifest prints no pack number (its row taken out) is read, but its PDF cannot be checked: a
    problem, not a note, so taking the number out does not pass an altered PDF."""
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "unnumbered.pdf"
    page = canvas.Canvas(str(pdf))
    twin = tmp_path / "unnumbered.csv"
    twin.write_bytes(b"")
    lines = [
        "Manifest",
        f"Team code: {org['comms'].code}",
        "As at: 2026-01-31",
        "Evidence recorded before: 2026-02-01T00:00:00+00:00",
        "CSV SHA-256: " + hashlib.sha256(b"").hexdigest(),
        "Ledger head entry: #0",
        "Ledger head hash: " + "0" * 64,
    ]
    for n, line in enumerate(lines):
        page.drawString(40, 800 - 20 * n, line)
    page.save()
    assert manifest_read(pdf)["pack_id"] is None
    check = pack_verify(pdf, twin)
    assert not check.ok
    assert "The manifest prints no pack number, so its PDF cannot be checked against the records." in check.problems
