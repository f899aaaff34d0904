"""An evidence pack's footer stays in its 0.8 cm on every page, at its 7.5 pt, for a team whose name is as long as
a team's may be (200 characters, with a word of 110 letters): the footer cuts the name with an ellipsis, the whole
name is on the cover and in each person's heading. Before, the footer of the people's pages ran on over four lines
off the bottom of the page, and xhtml2pdf shrank the cover's and the manifest's to half its size to fit.

Read back with `pdftotext -bbox` (y from the top of the page) and `-raw`, white space taken out."""

import re
import subprocess

from django.core.management import call_command
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.reports.models import EvidencePack
from portal.reports.pdf import footer_team
from portal.reports.tasks import evidence_pack_build_task
from tests.reports.test_pdf_long_and_rare_names import _letters, _read

WORDS = "Integrated Urgent and Emergency Care Directorate Clinical Governance and Patient Safety "
NAME = WORDS + "Z" * (200 - len(WORDS))
CM = 72 / 2.54
PAGE_HEIGHT = 841.89
FOOTER_TOP, FOOTER_BOTTOM = PAGE_HEIGHT - 1.5 * CM, PAGE_HEIGHT - 0.7 * CM  # base.html's footer frame
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>')


def _footer_words(path) -> list[list[tuple[float, float, str]]]:
    """Each page's words below the body's frame (1.8 cm from the page's bottom), "Page N of M" left out."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in out.split("<page ")[1:]:
        words = [(float(top), float(bottom), word) for top, bottom, word in WORD.findall(page)]
        below = [word for word in words if word[1] > PAGE_HEIGHT - 1.8 * CM]
        pages.append([word for word in below if not re.fullmatch(r"Page|of|\d+", word[2])])
    return pages


def test_a_200_character_team_name_keeps_the_footer_within_its_height(org, hr, private_media, capsys):
    assert len(NAME) == 200
    org["comms"].name = NAME
    org["comms"].save()
    refresh()
    pack = EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )

    evidence_pack_build_task.call(pack.pk)

    pack.refresh_from_db()
    assert pack.status == EvidencePack.DONE, pack.error
    short = footer_team(NAME)
    assert short.endswith("\u2026") and NAME.startswith(short[:-1]) and len(short) < 60
    footer = _letters(
        f"NHS Warrington CCG. Evidence pack {pack.pk}: {short} as at {pack.as_at:%Y-%m-%d}, as recorded then."
    )
    pages = _footer_words(pack.pdf.path)
    assert len(pages) == 4  # the cover (what each status means goes over with a name this long), people, manifest
    for number, words in enumerate(pages, start=1):
        assert _letters("".join(word for _, _, word in words)) == footer, number
        assert all(top >= FOOTER_TOP - 0.5 and bottom <= FOOTER_BOTTOM for top, bottom, _ in words), (number, words)
        assert {round(bottom - top, 1) for top, bottom, _ in words} == {7.5}, number  # not shrunk to fit
        assert _read(pack.pdf.path, page=number).count(f"Evidencepack{pack.pk}:") == 1, number
    assert f"Scope{_letters(NAME)}andeveryteambelowit" in _read(pack.pdf.path, page=1)
    assert _read(pack.pdf.path, page=3).count(_letters(NAME)) == 1  # in the person's heading
    call_command("verify_pack", pack.pdf.path, pack.csv.path)
    assert "The pack matches the records." in capsys.readouterr().out
