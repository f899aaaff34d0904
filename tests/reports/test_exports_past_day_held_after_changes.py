"""What held under review of the exports and packs about a past day (invariant 3), kept as tests. After a battery of
changes recorded since the day (a completion voided and imported again with a corrected date, the requirement
renamed in its edit page and then retired, a team renamed and moved under another, a manager renamed by the roster
and made Bank), on the clock "as recorded then" the CSV and the XLSX for that day, the workbook's sheet about it, a
pack made again (its CSV twin's SHA-256 and the text of its people's pages) come out as they did before; a pack as
it was made before still verifies, naming the facts since as news."""

import csv
import datetime
import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, Requirement
from portal.compliance.organisation import team_move, team_rename
from portal.compliance.services import evidence_void, requirement_retire, requirement_save
from portal.people.models import Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests.reports import test_team_history_packs
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made
from tests.reports.test_pack_after_person_renamed import changed_by_the_roster, verified_later

# The organisation as the roster recorded it 500 days ago, each test's own private storage.
history, _private_media = test_team_history_packs.history, test_team_history_packs._private_media

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
DAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global DAY
    DAY = timezone.localdate() - datetime.timedelta(days=40)


COURSE = "NHS|CSTF|Safeguarding Adults - Level 1 - 1 Year|"


def _imported(sam, done: datetime.date, filename: str) -> None:
    header = "Employee Number,Competence Name,Achievement Date,Expiry Date"
    data = f"{header}\r\n{sam.employee_number},{COURSE},{done:%d/%m/%Y},\r\n"
    batch, plan = import_batch_create(kind="completions", data=data.encode(), filename=filename, user=None)
    assert plan.can_apply, plan.rejected
    import_batch_apply(batch=batch, user=None, background=False)


def _sam_done_before_the_day(history) -> None:
    """Sam's completion from ten days before DAY, imported 45 days ago (before the day ended)."""
    CompetenceMapping.objects.create(competence_name=COURSE, requirement=Requirement.objects.get())
    with freeze_time(timezone.now() - datetime.timedelta(days=45), tick=True):
        _imported(history["sam"], DAY - datetime.timedelta(days=10), "early.csv")


def _changed_since(history, hr, tmp_path) -> None:
    """Everything an auditor might fear changes the answer about DAY, recorded a minute from now."""
    sam = history["sam"]
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        entry = EvidenceEntry.objects.filter(staff=sam, source=EvidenceEntry.IMPORT).latest("seq")
        evidence_void(entry=entry, reason="Wrong date", voided_by=hr.user)
        _imported(sam, DAY - datetime.timedelta(days=400), "corrected.csv")
        requirement = Requirement.objects.get()
        requirement.name = "Safeguarding Adults L1 (renamed)"
        requirement_save(requirement=requirement, user=hr.user)
        team_rename(team=history["digital"], name="Digital Services", code="DIGI2", user=hr.user)
        team_move(team=history["digital"], parent=Team.objects.get(pk=history["finance"].pk), user=hr.user)
        changed_by_the_roster(history["manager"], tmp_path, last_name="Okafor", employment="Bank")
        requirement_retire(requirement=Requirement.objects.get(), user=hr.user, reason="Replaced")


def _files(client, team) -> tuple:
    """The CSV's rows, the XLSX's rows and its sheet about them (but when it was made) for DAY as recorded then."""
    query = {"team": team.pk, "as_at": DAY.isoformat(), "basis": AS_RECORDED}
    text = b"".join(client.get(reverse("exports:csv"), query).streaming_content).decode("utf-8-sig")
    workbook = load_workbook(io.BytesIO(b"".join(client.get(reverse("exports:xlsx"), query).streaming_content)))
    rows = [[str(value) for value in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    about = {label: words for label, words in workbook["About this export"].values if label != "Made"}
    return list(csv.reader(io.StringIO(text))), rows, about


def _people_pages(path) -> str:
    """The text of a pack's pages of people, without the footers (which name the pack by its number)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    people = text[text.index("Evidence by person") : text.index("Manifest")]
    return "\n".join(line for line in people.splitlines() if "Evidence pack" not in line)


def test_the_files_about_a_past_day_as_recorded_then_are_the_same_after_the_changes(history, hr, tmp_path):
    _sam_done_before_the_day(history)
    client = client_for(hr)
    before = _files(client, history["comms"])
    assert ["Sam Digital", "Digital", "Safeguarding Adults Level 1", "Compliant"] in [
        [row[1], row[2], row[5], row[6]] for row in before[0]
    ]
    pack = pack_made(client, history["comms"], DAY, AS_RECORDED)

    _changed_since(history, hr, tmp_path)

    with freeze_time(timezone.now() + datetime.timedelta(minutes=3), tick=True):
        assert _files(client, history["comms"]) == before
        again = pack_made(client, history["comms"], DAY, AS_RECORDED)
    assert again.csv_sha256 == pack.csv_sha256
    assert _people_pages(again.pdf.path) == _people_pages(pack.pdf.path)


def test_a_pack_as_it_was_made_before_the_changes_still_verifies(history, hr, tmp_path, capsys):
    _sam_done_before_the_day(history)
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], DAY, AS_IT_WAS), tmp_path)

    _changed_since(history, hr, tmp_path)

    out = verified_later(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out
    assert "Made now, the pack would differ for 2 people: Grace Okafor" in out
    assert "a correction voiding entry #1 on Safeguarding Adults L1 (renamed) (Wrong date), for Sam Digital" in out
