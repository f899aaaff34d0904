"""An XLSX cell holding a formula with no saved value: a file written by a script, or exported by a tool that never
calculated it (openpyxl writes a formula so, as these tests do). The imports read a formula's saved value, so such a
cell read as empty: a row lost a date or a number and was refused for the wrong reason, or looked blank and was
left out without a word. Now the file is refused, naming the sheet and the cell and what to do, through the dry run,
the upload page, the command and the apply; nothing changes. A formula Excel saved a value for is read as that
value, as before."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.compliance.models import CompetenceMapping, EvidenceEntry, ImportBatch
from portal.lib.csvfiles import CsvFileError, read_table
from portal.people.models import StaffMember
from tests import factories
from tests.dry_runs import dry_run_refused

from .test_import_excel_quirks import ROSTER_HEADINGS, hr_upload

ADULTS = "NHS|CSTF|Safeguarding Adults - Level 1 - 3 Years|"
COMPLETIONS = ["Employee Number", "Competence Name", "Achievement Date", "Expiry Date"]
TO_DO = (
    "with no saved value (the file was made by a program that did not calculate them), so what they show cannot be "
    "read. Open the file in Excel and save it, or paste the values in place of the formulas, then upload it again."
)


def unsaved(where: str, sheet: str = "Sheet") -> str:
    return f"On the sheet '{sheet}', {where} {TO_DO}"


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


@pytest.fixture
def team(db):
    return factories.make_team("Communications")


@pytest.fixture
def sam(team):
    return factories.make_staff(employee_number="20001", first_name="Sam", last_name="Taylor", team=team)


@pytest.fixture
def adults(db):
    requirement = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    CompetenceMapping.objects.create(competence_name=ADULTS, requirement=requirement)
    return requirement


def workbook(*rows, title: str = "", date_columns: str = "") -> bytes:
    """An .xlsx of `rows`, as openpyxl writes it: a formula ("=...") with no saved value. Cells of `date_columns`
    ("C") show dates."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.title = title
    for row in rows:
        sheet.append(row)
    for column in date_columns:
        for cell in sheet[column]:
            cell.number_format = "dd/mm/yyyy"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def saved(data: bytes, **values: str) -> bytes:
    """`data` with a saved value for each formula cell named (D2="45689"), written as Excel writes one; a value
    "str:" is text ("str:" alone: a formula whose result is empty text, as =IF(A2="","",A2) gives)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                for ref, value in values.items():
                    typed = ' t="str"' if value.startswith("str:") else ""
                    cell = re.compile(rf'<c r="{ref}"([^>]*)><f>([^<]*)</f><v\s*/?>(?:</v>)?</c>')
                    xml, found = cell.subn(
                        lambda m, ref=ref, typed=typed, value=value: (
                            f'<c r="{ref}"{m[1]}{typed}><f>{m[2]}</f><v>{value.removeprefix("str:")}</v></c>'
                        ),
                        xml,
                    )
                    assert found == 1, ref
                content = xml.encode()
            copy.writestr(item, content)
    return out.getvalue()


def dry_run(kind: str, data: bytes):
    return import_batch_create(kind=kind, data=data, filename="report.xlsx", user=None)


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


def test_a_completion_date_that_is_a_formula_with_no_saved_value_stops_the_file(sam, adults, client, tmp_path):
    data = workbook(COMPLETIONS, ["20001", ADULTS, "=DATE(2025,2,1)", None], date_columns="C")
    refusal = unsaved("cell C2 holds a formula")
    batch, plan = dry_run("completions", data)
    assert (plan.problems, plan.rejected, plan.can_apply) == ([refusal], [], False)
    import_batch_apply(batch=batch, user=None, background=False)  # the apply reads the kept file again
    batch.refresh_from_db()
    assert batch.status == ImportBatch.FAILED and "Nothing was changed" in batch.error
    assert refusal in hr_upload(client, "completions", data).replace("&#x27;", "'")
    with pytest.raises(CommandError, match="Not applied"):
        command("completions", data, tmp_path, "--apply")
    assert f"problem: {refusal}" in command_refused("completions", data, tmp_path)
    assert not EvidenceEntry.objects.exists()


def test_an_employee_number_and_a_hire_date_that_are_formulas_stop_a_roster(team):
    """A roster built by a script: the number and the start date are formulas no program calculated."""
    row = ['=TEXT(5001,"0")', "Sam", "Taylor", "sam@example.nhs.uk", team.code, "=DATE(2020,4,1)"]
    _, plan = dry_run("roster", workbook(ROSTER_HEADINGS, row, title="Staff List"))
    assert plan.problems == [unsaved("cells A2 and F2 hold formulas", sheet="Staff List")]
    assert not plan.can_apply and not StaffMember.objects.exists()


def test_a_row_of_formulas_with_no_saved_values_is_not_left_out_as_blank(sam, adults):
    """Every value of line 3 is a formula: read as empty, the row was a blank line and the rest of the file applied."""
    data = workbook(
        COMPLETIONS,
        ["20001", ADULTS, "01/02/2025", None],
        ["=A2", "=B2", '="02/02/2025"', None],
    )
    _, plan = dry_run("completions", data)
    assert plan.problems == [unsaved("cells A3, B3 and C3 hold formulas")] and not plan.can_apply


def test_a_heading_that_is_a_formula_with_no_saved_value_is_named(sam, adults):
    data = workbook(["Employee Number", "Competence Name", '="Achievement Date"'], ["20001", ADULTS, "01/02/2025"])
    _, plan = dry_run("completions", data)
    assert plan.problems == [unsaved("cell C1 holds a formula")]


def test_a_formula_with_a_saved_value_is_read_as_that_value(sam, adults):
    """As Excel saves a workbook: each formula with the value it last calculated. An empty text result (an expiry
    left blank by =IF) is empty, so the renewal period applies, as for a blank cell."""
    data = workbook(COMPLETIONS, ['=TEXT(20001,"0")', ADULTS, "=DATE(2025,2,1)", '=IF(C2="","","")'], date_columns="C")
    data = saved(data, A2="str:20001", C2="45689", D2="str:")
    batch, plan = dry_run("completions", data)
    assert (plan.problems, plan.rejected) == ([], [])
    [row] = plan.to_record
    assert (row.staff_id, row.completed_on, row.expires_on) == (sam.pk, datetime.date(2025, 2, 1), None)
    import_batch_apply(batch=batch, user=None, background=False)
    assert EvidenceEntry.objects.get().completed_at.date() == datetime.date(2025, 2, 1)


def test_a_formula_in_a_column_not_read_does_not_stop_the_file(sam, adults):
    """A column the import does not read loses nothing by being empty: it stays listed as not used."""
    data = workbook([*COMPLETIONS, "Compliance"], ["20001", ADULTS, "01/02/2025", None, '=IF(C2<>"","Yes","No")'])
    _, plan = dry_run("completions", data)
    assert (plan.problems, plan.unused, len(plan.to_record)) == ([], ["Compliance"], 1)


def test_a_refusal_names_five_cells_and_counts_the_rest():
    rows = [["20001", ADULTS, f"=DATE(2025,2,{day})"] for day in range(1, 9)]
    data = workbook(["Employee Number", "Competence Name", "Achievement Date"], *rows, title="Competence Report")
    with pytest.raises(CsvFileError) as refused:
        read_table(data, {"employeenumber": "number", "competencename": "course", "achievementdate": "on"}, {"on"})
    where = "cells C2, C3, C4, C5, C6 and 3 more hold formulas"
    assert str(refused.value) == unsaved(where, sheet="Competence Report")
