"""An .xlsx refused for what it would unpack to (portal/lib/xlsx_package.py) is refused through every door of each
import, as an .xls is: the dry run's one problem, the apply failing with nothing changed, the command and the upload
page saying why. A part holding more than its zip header states was a server error on the page (BadZipFile, raised
as the rows were read); it is now the dry run's problem too."""

import zipfile
from io import BytesIO

import pytest

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember, Team

from .test_import_excel_quirks import command_refused, hr_upload, private_files, team  # noqa: F401 (fixtures)
from .test_xlsx_package import SHEET, saved, stating
from .test_xlsx_package_sheet import workbook

PAST_THE_LAST_ROW = '<row r="1048577"><c r="A1048577" t="inlineStr"><is><t>A9</t></is></c></row>'
TOO_MANY_ROWS = "The sheet 'Staff' of the Excel file holds more than 1,048,576 rows (Excel's limit), more than a staff"
DAMAGED = "The Excel file cannot be read (BadZipFile). Save it again as .xlsx or CSV."


def lying() -> bytes:
    data = saved(more=3_000)
    return stating(data, SHEET, zipfile.ZipFile(BytesIO(data)).getinfo(SHEET).file_size - 40)


@pytest.mark.parametrize("kind", ["roster", "completions", "organisation"])
@pytest.mark.parametrize(("hostile", "refusal"), [("rows", TOO_MANY_ROWS), ("lying", DAMAGED)], ids=["rows", "lying"])
def test_a_workbook_refused_for_what_it_holds_is_refused_at_every_door(team, kind, hostile, refusal, client, tmp_path):  # noqa: F811
    data = workbook(rows=PAST_THE_LAST_ROW) if hostile == "rows" else lying()
    before = (StaffMember.objects.count(), EvidenceEntry.objects.count(), Team.objects.count())
    batch, plan = import_batch_create(kind=kind, data=data, filename="staff.xlsx", user=None)
    assert len(plan.problems) == 1 and plan.problems[0].startswith(refusal)
    assert (plan.rejected, plan.can_apply) == ([], False)
    import_batch_apply(batch=batch, user=None)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    assert f"problem: {refusal}" in command_refused(kind, data, tmp_path)
    html = hr_upload(client, kind, data, "staff.xlsx")
    assert refusal.replace("'", "&#x27;") in html
    assert (StaffMember.objects.count(), EvidenceEntry.objects.count(), Team.objects.count()) == before
