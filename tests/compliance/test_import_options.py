"""What HR chooses about a file reaches its dry run by every door: --strict and --sheet on the command line, the
Sheet field on the upload page; a heading that looks like a known one stops a completions file before it is applied;
and both dry-run pages say which columns are not used."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.compliance.completions import plan_completions
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from tests import factories
from tests.compliance import test_completions as base
from tests.compliance.test_completions import ADULTS, esr
from tests.compliance.test_completions_esr import _workbook
from tests.dry_runs import dry_run_refused
from tests.people.test_roster_esr import esr_file, esr_row

people, adults = base.people, base.adults  # Grace 20001 and Sam 20002; Safeguarding Adults Level 1 mapped
HEADER = "Person,Competence Name,Achievement Date,Expiry Date,Compliance,Organisation"


def workbook() -> bytes:
    return _workbook(
        [
            ["Person", "Competence Name", "Achievement Date", "Expiry Date", "Compliance"],
            ["20001|Jones, Grace", ADULTS, datetime.datetime(2026, 2, 1), None, "Yes"],
        ]
    )


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_completions", *args, stdout=out)
    return out.getvalue()


def run_refused(*args) -> str:
    return dry_run_refused("import_completions", *args)


def test_a_heading_like_a_known_one_stops_a_completions_file_before_it_is_applied(people, adults):
    data = esr(
        f'"20001|Jones, Grace","{ADULTS}",01/02/2026,', header="Person,Competence Name,Achievement Date,Expiry Dat"
    )
    plan = plan_completions(data)
    assert not plan.can_apply and len(plan.to_record) == 1
    assert plan.problems == [
        "The column 'Expiry Dat' looks like 'Expiry Date' but is not read: rename it to 'Expiry Date' (or remove it), "
        "then upload the file again"
    ]
    batch, _ = import_batch_create(kind="completions", data=data, filename="c.csv", user=None)
    import_batch_apply(batch=batch, user=None)
    assert batch.status == ImportBatch.FAILED and not EvidenceEntry.objects.exists()


def test_strict_on_the_command_line_makes_a_leaver_an_error(people, adults, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(esr(f'"99999|Leaver, Ann","{ADULTS}",01/02/2026,', f'"20001|Jones, Grace","{ADULTS}",01/02/2026,'))
    assert "skipped line 2: 99999 is not on the roster" in run(str(path))
    said = run_refused(str(path), "--strict")
    assert "line 2: Person '99999' is not on the roster" in said and "skipped line 2" not in said
    with pytest.raises(CommandError, match="Not applied"):
        run(str(path), "--strict", "--apply")
    assert not EvidenceEntry.objects.exists()


def test_sheet_on_the_command_line_reads_that_sheet(people, adults, tmp_path):
    path = tmp_path / "c.xlsx"
    path.write_bytes(workbook())
    assert "problem: The file has no column for" in run_refused(str(path))  # the first sheet holds notes
    assert "to_record: 1" in run(str(path), "--sheet", "Competences")
    assert "has no sheet called 'Nope' (its sheets: Notes, Competences)" in run_refused(str(path), "--sheet", "Nope")
    run(str(path), "--sheet", "Competences", "--apply")
    assert EvidenceEntry.objects.get().completed_at.date() == datetime.date(2026, 2, 1)


def test_the_sheet_field_is_carried_through_to_the_dry_run(hr_client, people, adults):
    upload = reverse("imports:upload", args=["completions"])
    response = hr_client.post(upload, {"file": SimpleUploadedFile("c.xlsx", workbook()), "sheet": "Competences"})
    batch = ImportBatch.objects.get()
    assert batch.summary["options"] == {"sheet": "Competences"}
    page = hr_client.get(response["Location"]).content.decode()
    assert "20001 Grace Jones" in page and "1 to record" in page and "no column for" not in page
    hr_client.post(reverse("imports:apply", args=[batch.pk]))
    assert EvidenceEntry.objects.get().source_ref == f"import batch {batch.pk} line 2"


def test_both_dry_run_pages_say_which_columns_are_not_used(hr_client, people, adults):
    team = factories.make_team("Finance")
    roster = esr_file(esr_row("1001", "Ann", "Able", team))
    hr_client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", roster)})
    completions = esr(f'"20001|Jones, Grace","{ADULTS}",01/02/2026,,Yes,COMMS', header=HEADER)
    hr_client.post(reverse("imports:upload", args=["completions"]), {"file": SimpleUploadedFile("c.csv", completions)})
    pages = {
        batch.kind: hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
        for batch in ImportBatch.objects.all()
    }
    assert "Not used: Supervisor Full Name, Payscale." in pages[ImportBatch.ROSTER]
    assert "Not used: Compliance, Organisation." in pages[ImportBatch.COMPLETIONS]


def test_list_on_the_command_line_writes_what_the_download_holds(hr_client, people, adults, tmp_path):
    data = esr(f'"20001|Jones, Grace","{ADULTS}",01/02/2026,', f'"99999|Leaver, Ann","{ADULTS}",01/02/2026,')
    path, listing = tmp_path / "c.csv", tmp_path / "to-record.csv"
    path.write_bytes(data)
    assert "--list FILE.csv writes who and what would be recorded" in run(str(path))
    assert f"the 1 completions to record are listed in {listing}" in run(str(path), "--list", str(listing))
    batch, _ = import_batch_create(kind="completions", data=data, filename="c.csv", user=None)
    download = hr_client.get(reverse("imports:planned_csv", args=[batch.pk])).content.decode()
    assert listing.read_bytes().decode() == download
    assert download.splitlines()[1] == f"2,20001,Grace Jones,{ADULTS},Safeguarding Adults Level 1,2026-02-01,"


def test_list_is_refused_for_a_roster_and_for_a_missing_folder(people, adults, tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(esr(f'"20001|Jones, Grace","{ADULTS}",01/02/2026,'))
    with pytest.raises(CommandError, match="--list is for a completions file"):
        call_command("import_file", "roster", str(path), "--list", str(tmp_path / "x.csv"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="there is no folder"):
        run(str(path), "--list", str(tmp_path / "nowhere" / "x.csv"))
    assert not ImportBatch.objects.exists()  # refused before anything was kept
