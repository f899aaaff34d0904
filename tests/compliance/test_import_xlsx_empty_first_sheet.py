"""A workbook whose first sheet is empty (Excel's blank 'Sheet1' left in front, the report pasted into 'Sheet2', or a
sheet of formatting only) was refused: 'The file is empty' or 'The file has no column for: Employee Number...',
though the sheet after it held the whole report. An empty sheet holds nothing to import, so the reading is not in
doubt: the first sheet Excel shows that holds anything is read, and the dry run says which sheets it passed over. A
sheet named on upload is read as named, empty or not; a workbook of empty sheets is still refused as empty."""

import datetime
import io

import openpyxl
import pytest

from portal.compliance.completions import plan_completions
from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.people.models import StaffMember
from portal.people.roster import plan_roster
from tests import factories
from tests.people.roster_doors import private_files  # noqa: F401 - kept uploads in this test's folder

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
ROSTER = ["Employee Number", "First Name", "Last Name", "Work Email", "Organisation Code", "Hire Date"]


def workbook(first, *others) -> bytes:
    """`first` fills the first sheet ('Sheet1'); each of `others` is (title, rows)."""
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    first(book.active)
    for title, rows in others:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def nothing(sheet):
    pass


def formatting_only(sheet):
    sheet["A1"].font = openpyxl.styles.Font(bold=True)
    sheet["C5"].number_format = "0.00"
    sheet.column_dimensions["A"].width = 30


def spaces_only(sheet):
    sheet["A1"] = " "


@pytest.fixture
def team(db):
    return factories.make_team("Ward 1")


def staff_rows(team):
    return [ROSTER, [10000001, "Ann", "Able", "ann@example.nhs.uk", team.code, datetime.datetime(2025, 12, 7)]]


@pytest.mark.parametrize("first", [nothing, formatting_only, spaces_only])
def test_a_roster_after_an_empty_first_sheet_is_read(team, first):
    plan = plan_roster(workbook(first, ("Staff", staff_rows(team))))
    assert plan.can_apply and [row.employee_number for row in plan.to_create] == ["10000001"], plan.problems
    assert plan.ignored == ["The sheet 'Sheet1' is empty: the sheet 'Staff' was read"]


def test_a_completions_workbook_after_an_empty_first_sheet_is_applied(db):
    factories.make_staff(employee_number="20001")
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    rows = [
        ["Employee Number", "Competence Name", "Achievement Date"],
        ["20001", ADULTS, datetime.datetime(2025, 2, 1)],
    ]
    data = workbook(nothing, ("Sheet2", []), ("Competences", rows))
    assert plan_completions(data).ignored == [
        "The sheets 'Sheet1' and 'Sheet2' are empty: the sheet 'Competences' was read"
    ]
    batch, plan = import_batch_create(kind="completions", data=data, filename="olm.xlsx", user=None)
    assert plan.can_apply and len(plan.to_record) == 1, plan.problems
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE and EvidenceEntry.objects.count() == 1


def test_a_sheet_named_on_upload_is_read_as_named_even_empty(team):
    """Passing before, no change: HR chose the sheet."""
    plan = plan_roster(workbook(nothing, ("Staff", staff_rows(team))), sheet="Sheet1")
    assert not plan.can_apply and plan.problems[0].startswith("The file is empty.")


def test_a_workbook_of_empty_sheets_is_still_refused_as_empty(team):
    """Passing before, no change."""
    plan = plan_roster(workbook(formatting_only, ("Sheet2", [])))
    assert not plan.can_apply and plan.problems[0].startswith("The file has no column for")
    assert StaffMember.objects.count() == 0
