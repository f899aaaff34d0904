"""The people's pages of a pack are drawn without a template (pdf.render_pack_people_to), so nothing escapes their
words for them: names, teams and the organisation's name that look like markup must print as written; and a row
taller than a page must run on to the next instead of failing the pack."""

import datetime
import subprocess
from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.compliance.models import EvidenceEntry, Requirement
from portal.compliance.projection import refresh
from portal.reports.basis import AS_IT_WAS
from portal.reports.models import EvidencePack
from portal.reports.packs import PersonSection, pack_build
from portal.reports.pdf import render_pack_people_to
from tests import factories


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


def test_names_that_look_like_markup_print_as_written_on_the_peoples_pages(org, hr, settings):
    settings.PORTAL_ORGANISATION_NAME = "Bolton & Bury <ICB>"
    team = factories.make_team("R&D <North> & 'South'", parent=org["comms"])
    person = factories.make_staff(team=team, first_name="Siân", last_name="O'Neil & <b>Co</b>")
    refresh()
    pack = pack_build(
        EvidencePack.objects.create(team=team, as_at=timezone.localdate(), cutoff=timezone.now(), requested_by=hr.user)
    )

    text = subprocess.run(["pdftotext", "-layout", pack.pdf.path, "-"], check=True, capture_output=True, text=True)
    pages = text.stdout.split("\f")[:-1]
    people = next(page for page in pages if "Evidence by person" in page)
    assert f"Siân O'Neil & <b>Co</b> employee {person.employee_number}, R&D <North> & 'South'" in people
    assert "Safeguarding Adults" in people and "Nothing recorded" in people
    assert f"Bolton & Bury <ICB>. Evidence pack {pack.pk}: R&D <North> & 'South' as at" in people


def test_a_correction_longer_than_a_page_runs_on_to_the_next_page(db, tmp_path):
    recorded = timezone.now()
    voided = EvidenceEntry(seq=5, source=EvidenceEntry.IMPORT, source_ref="batch 1 line 2", completed_at=recorded)
    correction = EvidenceEntry(
        voids=voided,
        seq=9,
        source=EvidenceEntry.VOID,
        requirement=Requirement(name="Fire Safety"),
        recorded_at=recorded,
        recorded_by=None,
        reason="Imported against the wrong person. " * 300,  # about 4 pages of its narrow column
    )
    person = SimpleNamespace(full_name="Lee Long", employee_number="E1")
    pack = SimpleNamespace(pk=7, team=SimpleNamespace(name="Comms"), as_at=datetime.date(2026, 12, 1), basis=AS_IT_WAS)
    path = tmp_path / "people.pdf"
    with path.open("wb") as handle:
        section = PersonSection(person, pack.team, corrections=[correction])
        render_pack_people_to(handle, pack=pack, organisation_name="Org", people=[section], first=True)

    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert text.count("\f") > 2
    assert text.split().count("wrong") == 300  # every word of it, none cut off at the foot of a page
    assert "No requirements applied to this person" in text
