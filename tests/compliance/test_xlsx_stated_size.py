"""An Excel file whose stated size is wrong (some export tools write `A1`, or a range too small, as the sheet's
dimension) is still read to its last row and column: a file read only in part must not be applied as if whole."""

import datetime
import io
import re
import zipfile

import openpyxl
import pytest

from portal.compliance.completions import plan_completions
from portal.lib.csvfiles import read_table
from portal.people.roster import plan_roster
from tests import factories
from tests.compliance import test_completions as base
from tests.compliance.test_completions import ADULTS

people, adults = base.people, base.adults  # Grace 20001 and Sam 20002, Safeguarding Adults Level 1

SHORT = "one row short"


def workbook_stating(rows, dimension: str) -> bytes:
    """A workbook of `rows` whose first sheet states `dimension` as its size (SHORT: its true range less a row)."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension == SHORT:
        dimension = f"A1:{openpyxl.utils.get_column_letter(max(map(len, rows)))}{len(rows) - 1}"
    rewritten = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content, count = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), content)
                assert count == 1
            target.writestr(item, content)
    return rewritten.getvalue()


@pytest.mark.parametrize("dimension", ["A1", SHORT])
def test_every_row_and_column_is_read_whatever_size_the_sheet_states(dimension):
    rows = [["Code", "Name", "Note"], ["A1", "Ann", ""], ["B2", "Ben", "left"], ["C3", "Cat", "new"]]
    table = read_table(workbook_stating(rows, dimension), {"code": "code", "name": "name", "note": "note"}, {"code"})
    assert table.records == [
        (2, {"code": "A1", "name": "Ann", "note": ""}),
        (3, {"code": "B2", "name": "Ben", "note": "left"}),
        (4, {"code": "C3", "name": "Cat", "note": "new"}),
    ]


@pytest.mark.parametrize("dimension", ["A1", SHORT])
def test_a_completions_report_is_read_to_its_last_row(people, adults, dimension):
    completed = datetime.datetime(2026, 2, 1)
    rows = [
        ["Person", "Competence Name", "Achievement Date"],
        ["20001|Jones, Grace", ADULTS, completed],
        ["20002|Taylor, Sam", ADULTS, completed],
    ]
    plan = plan_completions(workbook_stating(rows, dimension))
    assert plan.can_apply, plan.problems
    assert [(row.line, row.number) for row in plan.to_record] == [(2, "20001"), (3, "20002")]


@pytest.mark.parametrize("dimension", ["A1", SHORT])
def test_a_staff_list_dry_run_reads_every_person(db, dimension):
    team = factories.make_team("Finance")
    rows = [
        ["Employee Number", "First Name", "Last Name", "Work Email", "Organisation Code", "Hire Date"],
        *(
            [number, first, "Able", f"{first.lower()}@example.nhs.uk", team.code, datetime.datetime(2020, 4, 1)]
            for number, first in ((1001, "Ann"), (1002, "Ben"), (1003, "Cat"))
        ),
    ]
    plan = plan_roster(workbook_stating(rows, dimension))
    assert plan.can_apply, (plan.problems, plan.rejected)
    assert [person.fields["first_name"] for person in plan.to_create] == ["Ann", "Ben", "Cat"]
