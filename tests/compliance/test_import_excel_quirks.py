"""Excel files as HR really has them, through the upload page and `manage.py import_file`, for each kind of import:
an employee number shown with its leading zeros by a "00000000" number format, a hidden sheet before the data, and
an old .xls (or a password-protected workbook) where an .xlsx was expected.

A number formatted to show its zeros used to be read without them (00012345 as 12345), so a roster made a second
person and a completions file skipped the person as not on the roster; the hidden sheet was read instead of the one
HR sees ("The file has no column for: ..."); and an .xls was called UTF-32."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.people.models import StaffMember, Team
from portal.people.roles import hr_group
from tests import factories
from tests.dry_runs import dry_run_refused

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
ROSTER_HEADINGS = ["Employee Number", "First Name", "Last Name", "Work Email", "Organisation Code", "Hire Date"]
XLS = (
    "This is an Excel 97-2003 workbook (.xls) or an Excel file protected by a password, which cannot be read. Open "
    "it in Excel, remove any password, save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (Comma delimited)' and "
    "upload it again."
)
# What an .xls and a password-protected .xlsx begin with (an OLE compound file), then some of its sectors.
OLE_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 4000


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.fixture
def zoe(team):
    """Someone the portal holds by her employee number with its leading zeros, as ESR writes it."""
    return factories.make_staff(
        employee_number="00012345", first_name="Zoë", last_name="Ahmed", work_email="zoe@example.nhs.uk", team=team
    )


@pytest.fixture
def adults(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


def workbook(*rows, number_format="", hidden_first=False) -> bytes:
    """An .xlsx with `rows` on its sheet, employee numbers (column A) stored as numbers with `number_format`."""
    book = openpyxl.Workbook()
    sheet = book.active
    if hidden_first:
        sheet.title = "Parameters"
        sheet.append(["Report", "Staff in Post"])
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("Staff List")
    for row in rows:
        sheet.append(row)
    if number_format:
        for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
            cell.number_format = number_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hr_upload(client, kind: str, data: bytes, filename: str = "report.xlsx") -> str:
    officer = factories.with_mfa(factories.make_user())
    officer.groups.add(hr_group())
    factories.sign_in(client, officer)
    upload = SimpleUploadedFile(filename, data)
    response = client.post(reverse("imports:upload", args=[kind]), {"file": upload}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def command(kind: str, data: bytes, tmp_path, *options) -> str:
    path = tmp_path / "report.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_file", kind, str(path), *options, stdout=out)
    return out.getvalue()


def command_refused(kind: str, data: bytes, tmp_path, *options) -> str:
    path = tmp_path / "report.xlsx"
    path.write_bytes(data)
    return dry_run_refused("import_file", kind, str(path), *options)


def apply(kind: str, data: bytes) -> ImportBatch:
    batch, plan = import_batch_create(kind=kind, data=data, filename="report.xlsx", user=None)
    assert plan.can_apply, (plan.problems, plan.rejected)
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    return batch


def test_a_roster_reads_employee_numbers_as_excel_shows_them(zoe, team, tmp_path):
    data = workbook(
        ROSTER_HEADINGS,
        [12345, "Zoë", "Ahmed", "zoe@example.nhs.uk", team.code, datetime.date(2020, 1, 6)],
        [12399, "Sam", "Taylor", "sam@example.nhs.uk", team.code, datetime.date(2021, 3, 1)],
        number_format="00000000",
    )
    said = command("roster", data, tmp_path)
    assert "created: 1" in said and "rejected: 0" in said and "problems: 0" in said
    apply("roster", data)
    assert sorted(StaffMember.objects.values_list("employee_number", flat=True)) == ["00012345", "00012399"]


def test_completions_read_employee_numbers_as_excel_shows_them(zoe, adults, client):
    headings = ["Employee Number", "Competence Name", "Achievement Date", "Expiry Date"]
    data = workbook(headings, [12345, ADULTS, datetime.datetime(2025, 2, 1), None], number_format="00000000")
    html = hr_upload(client, "completions", data)
    assert "Zoë Ahmed" in html and "0 skipped: person not on the roster" in html
    apply("completions", data)
    assert EvidenceEntry.objects.get().staff == zoe


def test_a_number_without_a_zeros_format_is_read_as_it_is(team):
    """A General number keeps the digits Excel shows: 12345, no zeros added."""
    data = workbook(ROSTER_HEADINGS, [12345, "Sam", "Taylor", "sam@example.nhs.uk", team.code, "01/04/2020"])
    apply("roster", data)
    assert StaffMember.objects.get().employee_number == "12345"


@pytest.mark.parametrize("kind", ["roster", "completions", "organisation"])
def test_the_sheet_hr_sees_is_read_not_a_hidden_one_before_it(team, zoe, adults, kind):
    rows = {
        "roster": [ROSTER_HEADINGS, ["00012399", "Sam", "Taylor", "sam@example.nhs.uk", team.code, "01/04/2020"]],
        "completions": [["Employee Number", "Competence Name", "Achievement Date"], ["00012345", ADULTS, "01/02/2025"]],
        "organisation": [["Organisation Code", "Organisation Name", "Parent Organisation Code"], ["RX1", "Trust", ""]],
    }[kind]
    apply(kind, workbook(*rows, hidden_first=True))
    assert StaffMember.objects.count() + EvidenceEntry.objects.count() + Team.objects.count() == 3


@pytest.mark.parametrize("kind", ["roster", "completions", "organisation"])
def test_an_xls_or_a_password_protected_workbook_is_refused_by_name(team, kind, client, tmp_path):
    before = (StaffMember.objects.count(), EvidenceEntry.objects.count(), Team.objects.count())
    batch, plan = import_batch_create(kind=kind, data=OLE_FILE, filename="staff.xls", user=None)
    assert (plan.problems, plan.rejected, plan.can_apply) == ([XLS], [], False)
    import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    assert f"problem: {XLS}" in command_refused(kind, OLE_FILE, tmp_path)
    html = hr_upload(client, kind, OLE_FILE, "protected.xlsx")  # the page refuses a name ending .xls itself
    assert "Excel 97-2003 workbook (.xls)" in html and "UTF-32" not in html
    assert (StaffMember.objects.count(), EvidenceEntry.objects.count(), Team.objects.count()) == before


def test_headings_on_another_sheet_are_named_and_that_sheet_can_be_read(team, tmp_path):
    """A cover sheet Excel shows first: the refusal says which sheet was read and which others there are (it said
    only "no column for" or "The file is empty"), and naming the sheet reads it. An empty sheet in front is passed
    over."""
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["Staff in Post, run 01/12/2026"])
    book.create_sheet("Notes")
    staff = book.create_sheet("Staff List")
    staff.append(ROSTER_HEADINGS)
    staff.append(["5001", "Sam", "Taylor", "sam@example.nhs.uk", team.code, "01/04/2020"])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    _, plan = import_batch_create(kind="roster", data=data, filename="sip.xlsx", user=None)
    [problem] = plan.problems
    assert problem.startswith("The file has no column for: ")
    assert problem.endswith(" This is the sheet 'Cover'; the workbook's other sheets: Notes, Staff List.")
    del book["Cover"]
    out = io.BytesIO()
    book.save(out)
    _, plan = import_batch_create(kind="roster", data=out.getvalue(), filename="sip.xlsx", user=None)
    # An empty sheet in front is passed over (test_import_xlsx_empty_first_sheet): it was "The file is empty."
    assert plan.can_apply and plan.ignored == ["The sheet 'Notes' is empty: the sheet 'Staff List' was read"]
    assert "created: 1" in command("roster", data, tmp_path, "--sheet", "Staff List")


def test_the_organisation_upload_page_says_it_takes_excel_as_it_does(client, db):
    """The page said "saved as CSV" though it reads an .xlsx as the other imports do."""
    html = hr_upload(client, "organisation", workbook(["Organisation Code", "Organisation Name"], ["RX1", "Trust"]))
    assert "Trust" in html and ImportBatch.objects.get().summary["created"] == 1
    form = client.get(reverse("imports:upload", args=["organisation"])).content.decode()
    assert "An ESR organisation hierarchy saved as CSV or Excel (.xlsx), smaller than 5 MB" in form
