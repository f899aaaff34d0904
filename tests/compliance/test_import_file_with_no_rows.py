"""A file with its headings and no records under them: ESR's export of an empty report, the headings then only its
footer lines, or the headings then blank rows. Each import (roster, completions, organisation) said nothing: its dry
run read 0 rows, could be applied, and applying it changed nothing without a word. Each now refuses the file, saying
in words that it has no rows to import and what is under its headings; a roster never makes anyone a leaver."""

import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.compliance.completions import plan_completions
from portal.compliance.models import ImportBatch
from portal.compliance.roster import roster_apply
from portal.people.models import StaffMember, Team
from portal.people.organisation_import import plan_organisation
from portal.people.roster import plan_roster
from tests import factories
from tests.compliance.test_import_utf16 import private_files  # noqa: F401

HEADINGS = {
    "roster": "Employee Number,Assignment Number,Last Name,First Name,Work Email,Organisation Code,Hire Date,"
    "Termination Date",
    "completions": "Person,Competence Name,Achievement Date,Expiry Date,Compliance",
    "organisation": "Organisation Code,Organisation Name,Parent Organisation Code",
}
PLANS = {"roster": plan_roster, "completions": plan_completions, "organisation": plan_organisation}
# What is under the headings (line 2 on), and what the refusal says of it
SHAPES = {
    "nothing": ([], "its headings (line 2) have nothing under them"),
    "footers only": (
        ["Report total: 0", "End of report"],
        "its headings (line 2) have only 2 footer or summary lines (line 3: 'Report total: 0') under them",
    ),
    "blank rows": ([",,,", "", ",,,,,,,,"], "its headings (line 2) have only 3 blank lines under them"),
    "footer and blank rows": (
        ["", "Total records 0,,,"],
        "its headings (line 2) have only 1 footer or summary line (line 4: 'Total records 0') and 1 blank line "
        "under them",
    ),
}


def file_of(kind: str, shape: str) -> bytes:
    """The file as ESR exports it: a title line above the headings, a byte-order mark, Windows line endings."""
    lines = ["Staff in Post - run 07/12/2026", HEADINGS[kind], *SHAPES[shape][0]]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("kind", PLANS)
def test_the_dry_run_says_the_file_has_no_rows_to_import(db, kind, shape):
    plan = PLANS[kind](file_of(kind, shape))
    assert not plan.can_apply and plan.rows == 0 and not plan.rejected
    assert len(plan.problems) == 1, plan.problems
    assert plan.problems[0].startswith(f"The file has no rows to import: {SHAPES[shape][1]}."), plan.problems


def test_an_excel_sheet_of_headings_and_blank_rows_has_no_rows_to_import(db):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Staff in Post"])
    sheet.append(HEADINGS["roster"].split(","))
    sheet.append([])
    sheet["A5"] = ""  # a cell Excel keeps with nothing in it, as a formatted empty row
    sheet["B6"] = "   "
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_roster(buffer.getvalue())
    assert not plan.can_apply and plan.rows == 0
    assert plan.problems[0].startswith("The file has no rows to import: its headings (line 2) have ")


def test_a_roster_with_no_rows_leaves_everyone_as_they_are(db):
    team = factories.make_team("Communications")
    held = [factories.make_staff(team=team, employee_number=number) for number in ("1001", "1002")]
    plan = plan_roster(file_of("roster", "footers only"))
    assert not plan.leavers and not plan.to_change
    with pytest.raises(ValueError):
        roster_apply(plan)
    assert {s.pk: s.leave_date for s in StaffMember.objects.all()} == {s.pk: None for s in held}


def test_the_upload_page_shows_why_and_offers_no_apply(db, hr_client, private_files):  # noqa: F811
    upload = SimpleUploadedFile("staff.csv", file_of("roster", "nothing"))
    page = hr_client.post(reverse("imports:upload", args=["roster"]), {"file": upload}, follow=True)
    html = page.content.decode()
    assert "The file has no rows to import: its headings (line 2) have nothing under them." in html
    batch = ImportBatch.objects.get()
    assert batch.row_count == 0 and batch.summary["problems"] == 1


@pytest.mark.parametrize("kind", PLANS)
def test_the_command_refuses_it_and_changes_nothing(db, kind, tmp_path, private_files):  # noqa: F811
    Team.add_root(code="RX1", name="NHS Example Trust", kind="organisation")
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(file_of(kind, "blank rows"))
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_file", kind, str(path), "--apply", stdout=out, stderr=out)
    assert "The file has no rows to import" in out.getvalue()
    assert not ImportBatch.objects.filter(status=ImportBatch.DONE).exists()
    assert list(Team.objects.values_list("code", flat=True)) == ["RX1"] and not StaffMember.objects.exists()
