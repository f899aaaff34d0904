"""Rows hidden in Excel (by a filter, or by hand) are read like any other: HR who filtered an ESR download to the
rows they meant and uploaded it would apply the rows they could not see. The dry run now says how many rows were
hidden and were read, naming their lines, on the page and from the command, for the roster, the completions and
the organisation file. A CSV has no hidden rows; a workbook with none says nothing."""

import io

import openpyxl
import pytest

from portal.compliance.imports.services import import_batch_create
from portal.lib.csvfiles import read_table
from tests import factories
from tests.people.roster_doors import private_files  # noqa: F401 (autouse)

from .test_import_excel_quirks import ADULTS, ROSTER_HEADINGS, command, hr_upload


def workbook(rows, hidden=(), filtered=False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for number in hidden:
        sheet.row_dimensions[number].hidden = True
    if filtered:
        sheet.auto_filter.ref = f"A1:F{len(rows)}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def files(team_code: str = "RX1"):
    return {
        "roster": [ROSTER_HEADINGS]
        + [[f"{5000 + n}", "Sam", f"Taylor{n}", f"sam{n}@example.nhs.uk", team_code, "01/04/2020"] for n in range(8)],
        "completions": [["Employee Number", "Competence Name", "Achievement Date"]]
        + [[f"{5000 + n}", ADULTS, "01/02/2025"] for n in range(8)],
        "organisation": [["Organisation Code", "Organisation Name", "Parent Organisation Code"]]
        + [[f"RX{n}", f"Team {n}", ""] for n in range(8)],
    }


HIDDEN = "2 rows are hidden in Excel (by a filter or by hand) and were read: lines 3 and 5"


def test_the_table_names_the_hidden_rows_it_read():
    rows = files()["organisation"]
    aliases = {"organisationcode": "code", "organisationname": "name"}
    assert read_table(workbook(rows, hidden=[3, 5], filtered=True), aliases, {"code", "name"}).hidden == HIDDEN
    assert read_table(workbook(rows), aliases, {"code", "name"}).hidden == ""
    many = read_table(workbook(rows, hidden=range(2, 10)), aliases, {"code", "name"}).hidden
    assert many == "8 rows are hidden in Excel (by a filter or by hand) and were read: lines 2, 3, 4, 5, 6 and 3 more"
    csv = "\n".join(",".join(row) for row in rows).encode()
    assert read_table(csv, aliases, {"code", "name"}).hidden == ""


def test_a_hidden_heading_or_title_row_is_not_counted():
    """Only rows read as records count: a hidden title above the headings is already listed as left out."""
    rows = [["Staff in Post"], *files()["organisation"]]
    table = read_table(
        workbook(rows, hidden=[1, 4]), {"organisationcode": "code", "organisationname": "name"}, {"code", "name"}
    )
    assert table.hidden == "1 row is hidden in Excel (by a filter or by hand) and was read: line 4"


@pytest.mark.parametrize("kind", ["roster", "completions", "organisation"])
def test_every_door_says_so(db, kind, client, tmp_path):
    team = factories.make_team("Communications")
    data = workbook(files(team.code)[kind], hidden=[3, 5], filtered=True)
    _, plan = import_batch_create(kind=kind, data=data, filename="report.xlsx", user=None)
    assert plan.hidden == HIDDEN
    assert HIDDEN in hr_upload(client, kind, data)
    assert f"  hidden: {HIDDEN}" in command(kind, data, tmp_path)
    plain = workbook(files(team.code)[kind])
    assert "hidden" not in command(kind, plain, tmp_path)
