"""A pack built by a task worker started in any directory embeds the shipped font, so names in other scripts read
back as written instead of printing as boxes in Helvetica."""

import subprocess
import unicodedata

import pytest
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests import factories

# Scripts DejaVu Sans covers: Latin with diacritics, Greek, Cyrillic, Arabic and Hebrew (it has no Chinese, Japanese,
# Korean or Indic glyphs). Arabic and Hebrew come out shaped and right to left.
NAMES = [
    ("Zoë", "Łukasiewicz"),
    ("Αθηνά", "Παπαδοπούλου"),
    ("Дмитрий", "Иванов"),
    ("فاطمة", "الزهراء"),
    ("יעל", "כהן"),
]


@pytest.fixture
def pack(org, hr, tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    for first_name, last_name in NAMES:
        factories.make_staff(team=org["comms"], first_name=first_name, last_name=last_name)
    refresh()
    return EvidencePack.objects.create(
        team=org["comms"], as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user
    )


def _run(command: list[str]) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def test_a_pack_built_outside_the_repository_embeds_the_shipped_font(pack, tmp_path, monkeypatch):
    elsewhere = tmp_path / "worker"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # as a worker started by systemd in / or a container in its own directory

    evidence_pack_build_task.call(pack.pk)

    pack.refresh_from_db()
    assert pack.status == EvidencePack.DONE, pack.error
    fonts = _run(["pdffonts", pack.pdf.path]).splitlines()[2:]
    embedded = [line.split()[0] for line in fonts if line.split()[-5] == "yes"]
    assert any(name.endswith("+DejaVuSans") for name in embedded), fonts
    # pdftotext gives Arabic in its presentation forms, between direction marks: compare the letters.
    text = unicodedata.normalize("NFKC", _run(["pdftotext", pack.pdf.path, "-"]))
    for first_name, last_name in NAMES:
        assert f"{first_name} {last_name}" in text, (first_name, last_name)
