"""The people's pages of a pack are drawn without a template (pdf.render_pack_people_to), so nothing escapes their
words for them: names, teams and the organisation's name that look like markup must print as written."""

import subprocess

import pytest
from django.utils import timezone

from portal.compliance.projection import refresh
from portal.reports.models import EvidencePack
from portal.reports.packs import pack_build
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
