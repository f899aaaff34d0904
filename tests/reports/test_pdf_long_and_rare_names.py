"""Every part of a name is on the certificate and in an evidence pack, and reads back as written: a 150-character
hyphenated name wraps within the page (after its hyphens; a word with no break in it, anywhere), an emoji (above
U+FFFF) reads back as itself, not as another character, and an Arabic name as its letters in order. A pack with such
names still verifies.

The PDFs are read back with `pdftotext -raw`, in the order they are drawn, with all white space taken out of both the
text and the name: a line break inside the name does not fail the test, a lost part does. (pdftotext's default mode
joins a line ending in a hyphen to the next without it, as if it had hyphenated a word itself; -raw keeps it.) Arabic
comes back in its presentation forms, as drawn, which NFKC turns back into the letters typed, between direction
marks; -raw gives each word's letters in logical order but the words of a right-to-left line as drawn, left to right
("الزهراء فاطمة"), where the default mode puts them back in logical order: Arabic names are read that way.
"""

import subprocess
import unicodedata

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.reports.models import EvidencePack
from portal.reports.pdf import footer_team
from portal.reports.pdftext import line_parts
from portal.reports.tasks import evidence_pack_build_task
from tests import factories

PARTS = "Anastasia-Konstantina-Maximiliana-Wilhelmina-Bartholomew-Fitzgerald-Montgomery-Featherstonehaugh-Cholmondeley"
HYPHENATED_150 = (PARTS + "-" + PARTS)[:150]
UNBROKEN_150 = "Wolfeschlegelsteinhausenbergerdorff" * 4 + "abcdefghij"
RAW, LOGICAL = True, False
NAMES = [
    pytest.param(HYPHENATED_150, UNBROKEN_150, RAW, id="150-characters-each"),
    pytest.param("Oluwaseun", "Featherstonehaugh-Cholmondeley-Montgomery-Fitzgerald", RAW, id="double-barrelled"),
    pytest.param("Zainab", "Ali \U0001f600", RAW, id="emoji"),
    pytest.param("فاطمة", "الزهراء", LOGICAL, id="arabic"),
]
DIRECTION_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _letters(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).translate(DIRECTION_MARKS).split())


def _read(path, raw: bool = RAW, *, page: int | None = None) -> str:
    command = ["pdftotext", *(["-raw"] if raw else []), *(["-f", str(page), "-l", str(page)] if page else [])]
    command += [str(path), "-"]
    return _letters(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def test_the_names_are_as_long_as_the_roster_allows():
    assert len(HYPHENATED_150) == len(UNBROKEN_150) == 150


@pytest.mark.parametrize(("first", "last", "raw"), NAMES)
def test_the_certificate_prints_the_whole_name(db, client, private_media, tmp_path, first, last, raw):
    staff = factories.make_staff(first_name=first, last_name=last)
    entry = factories.make_completion(staff, factories.make_requirement(name="Fire Safety"))
    factories.sign_in(client, staff.user)

    response = client.get(reverse("reports:certificate_pdf", args=[entry.pk]))

    assert response.status_code == 200
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)
    text = _read(path, raw)
    assert _letters(f"{first} {last}") in text, text[:1000]
    assert "hascompletedFireSafety." in text


@pytest.mark.parametrize(("first", "last", "raw"), NAMES)
def test_a_pack_prints_the_whole_name_and_verifies(org, hr, private_media, tmp_path, capsys, first, last, raw):
    team = factories.make_team(
        "Integrated-Urgent-and-Emergency-Care-Directorate-Clinical-Governance", parent=org["comms"]
    )
    requirement = factories.make_requirement(
        name="Safeguarding-Children-and-Young-People-Level-3-Multi-Agency-Refresher"
    )
    staff = factories.make_staff(team=team, first_name=first, last_name=last)
    factories.make_completion(staff, requirement, source_ref="e-LfH course " + "Z" * 80)
    refresh()
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )

    evidence_pack_build_task.call(pack.pk)

    pack.refresh_from_db()
    assert pack.status == EvidencePack.DONE, pack.error
    assert _letters(f"{first} {last}") in _read(pack.pdf.path, raw)
    text = _read(pack.pdf.path)
    for printed in (team.name, requirement.name, "e-LfH course " + "Z" * 80):
        assert _letters(printed) in text, (printed, text[:3000])
    call_command("verify_pack", pack.pdf.path, pack.csv.path)
    assert "The pack matches the records." in capsys.readouterr().out


def test_a_packs_cover_prints_a_long_team_name_and_requester_whole(org, hr, private_media):
    org["comms"].name = "Communications" + "X" * 120
    org["comms"].save()
    hr.first_name, hr.last_name = HYPHENATED_150, UNBROKEN_150
    hr.save()
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )

    evidence_pack_build_task.call(pack.pk)

    pack.refresh_from_db()
    assert pack.status == EvidencePack.DONE, pack.error
    text = _read(pack.pdf.path)
    assert f"Scope{org['comms'].name}andeveryteambelowit" in text
    assert f"Generatedby{HYPHENATED_150}{UNBROKEN_150}(" in text
    # The footer cuts the name to fit its two lines (tests/reports/test_pack_footer_long_team.py); the people's pages
    # are drawn without the template, their footer too.
    footer = _letters(f"Evidence pack {pack.pk}: {footer_team(org['comms'].name)} as at")  # an ellipsis reads "..."
    assert footer.endswith("X...asat")
    assert footer in text
    assert footer in _read(pack.pdf.path, page=2)


def test_an_emoji_reads_back_as_itself_not_as_another_character(db, client, private_media, tmp_path):
    """ReportLab wrote U+1F600 in the font's ToUnicode map as five hex digits, read back as U+1F60 (ὠ)."""
    staff = factories.make_staff(first_name="Zainab", last_name="Ali \U0001f600")
    entry = factories.make_completion(staff, factories.make_requirement(name="Fire Safety"))
    factories.sign_in(client, staff.user)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(client.get(reverse("reports:certificate_pdf", args=[entry.pk])).content)

    text = _read(path)

    assert "Ali\U0001f600" in text
    assert "\u1f60" not in text


def test_a_character_the_font_lacks_reads_back_as_the_replacement_character(db, client, private_media, tmp_path):
    """DejaVu Sans has no U+1F642: it prints as a box, and reads back as U+FFFD, not as nothing."""
    staff = factories.make_staff(first_name="Zainab", last_name="Ali \U0001f642")
    entry = factories.make_completion(staff, factories.make_requirement(name="Fire Safety"))
    factories.sign_in(client, staff.user)
    path = tmp_path / "certificate.pdf"
    path.write_bytes(client.get(reverse("reports:certificate_pdf", args=[entry.pk])).content)

    assert "ZainabAli\ufffd" in _read(path)


def test_a_long_word_breaks_after_a_hyphen_that_fits_else_anywhere():
    font, size = "Helvetica", 10
    assert line_parts("Ann Lee", font, size, 100) == ["Ann Lee"]
    assert line_parts("Ann Featherstonehaugh-Cholmondeley", font, size, 100) == [
        "Ann Featherstonehaugh-",
        "Cholmondeley",
    ]
    parts = line_parts("x" * 60, font, size, 100)
    assert "".join(parts) == "x" * 60 and len(parts) > 1
    assert all(line_parts(part, font, size, 100) == [part] for part in parts)
