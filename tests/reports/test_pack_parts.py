"""A pack is laid out a part at a time (the cover, runs of people, the manifest) and the parts joined, so that its
memory does not grow with its size: read back, it is still one document, every person once and in order, numbered
"Page N of M" throughout, and verify_pack still checks it."""

import re
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.reports import packs, pdfjoin
from portal.reports.models import EvidencePack
from portal.reports.packs import pack_build
from tests import factories


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


def _pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _pack(org, hr, people_per_part, monkeypatch):
    for n in range(7):
        factories.make_staff(team=org["comms"], first_name=f"Person{n}", last_name="Parts")
    refresh()
    monkeypatch.setattr(packs, "PEOPLE_PER_PART", people_per_part)
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )
    return pack_build(pack)


def test_a_pack_in_many_parts_reads_as_one_document_numbered_throughout(org, hr, monkeypatch, capsys):
    monkeypatch.setattr(pdfjoin, "NUMBERS_AT_A_TIME", 3)  # the page numbers made a few at a time, as for a big pack
    pack = _pack(org, hr, 2, monkeypatch)  # 9 people: five parts of people, with the cover and the manifest
    pages = _pages(pack.pdf.path)
    total = len(pages)
    assert total >= 7
    for number, page in enumerate(pages, start=1):
        footer = [line for line in page.splitlines() if f"Evidence pack {pack.pk}:" in line]
        assert len(footer) == 1, (number, page)
        # The number stands on the footer's line, at its right, after the footer's words.
        assert re.search(rf"as at \S+, as recorded then\.\s+Page {number} of {total}\s*$", footer[0]), footer[0]
    text = "\n".join(pages)
    assert text.count("Evidence by person") == 1 and text.count("Training and attestation evidence") == 1
    assert pages[0].lstrip().startswith("NHS") and "Receipt of the ledger" in pages[-1]
    people = re.findall(r"^(\S+ \S+) employee (\S+),", text, re.MULTILINE)
    assert len(people) == pack.people_total == 9
    assert [number for _, number in people] == [number for _, number in _one_part_order(org, hr, monkeypatch)]

    twin = pack.csv.path
    call_command("verify_pack", pack.pdf.path, twin)
    assert "The pack matches the records." in capsys.readouterr().out


def _one_part_order(org, hr, monkeypatch):
    """The people, in the order a pack laid out in one part lists them."""
    monkeypatch.setattr(packs, "PEOPLE_PER_PART", 1000)
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )
    text = "\n".join(_pages(pack_build(pack).pdf.path))
    return re.findall(r"^(\S+ \S+) employee (\S+),", text, re.MULTILINE)


def test_the_pack_keeps_its_title_and_its_numbers_are_in_the_shipped_font(org, hr, monkeypatch):
    pack = _pack(org, hr, 3, monkeypatch)
    info = subprocess.run(["pdfinfo", pack.pdf.path], check=True, capture_output=True, text=True).stdout
    assert f"Evidence pack: {org['comms'].name} as at {pack.as_at:%Y-%m-%d}" in info
    fonts = subprocess.run(["pdffonts", pack.pdf.path], check=True, capture_output=True, text=True).stdout
    embedded = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.split()[-5] == "yes"}
    assert embedded == {"DejaVuSans", "DejaVuSans-Bold"}, fonts
    # Besides DejaVu, only the names xhtml2pdf always lists (the receipt's <pre> is in Courier): no other font.
    assert {line.split()[0] for line in fonts.splitlines()[2:] if "+" not in line.split()[0]} <= {
        "Helvetica",
        "Courier",
    }


def test_a_pack_of_nobody_still_has_its_cover_people_heading_and_manifest(org, hr, monkeypatch):
    empty = factories.make_team("Empty ward", parent=org["comms"])
    pack = EvidencePack.objects.create(
        team=empty, as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )
    pages = _pages(pack_build(pack).pdf.path)
    text = "\n".join(pages)
    assert "Evidence by person" in text and "Manifest" in text
    assert text.count("Nobody was in these teams at that date.") == 2  # the summary, and the people
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_the_page_number_stands_on_the_footers_line_clear_of_its_words(org, hr, monkeypatch):
    pack = _pack(org, hr, 4, monkeypatch)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "2", "-l", "2", pack.pdf.path, "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    words = [
        (word, float(left), float(right), float(bottom)) for left, right, bottom, word in re.findall(pattern, html)
    ]
    footer_end = next(w for w in words if w[0] == "then.")  # "as at <day>, as recorded then."
    number = next(w for w in words if w[0] == "Page")
    assert abs(number[3] - footer_end[3]) < 0.5, (footer_end, number)  # the same baseline
    assert number[1] > footer_end[2] + 20  # well to the right of the footer's last word
