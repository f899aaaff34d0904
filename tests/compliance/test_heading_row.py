"""A report whose headings are not on its first line (ESR and e-LfH downloads open with a title, the day it was run
and a blank line): the first of the first 20 lines that holds every required heading is the heading row, the lines
above it are left out and said, and every line keeps the number the file gives it."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.completions import plan_completions
from portal.lib.csvfiles import CsvFileError, read_rows, read_table
from portal.people.roster import plan_roster
from tests import factories
from tests.compliance import test_completions as base
from tests.compliance.test_completions import ADULTS

people, adults = base.people, base.adults  # Grace 20001 and Sam 20002, Safeguarding Adults Level 1

ALIASES = {"person": "person", "competencename": "competence", "achievementdate": "completed"}
REQUIRED = {"competence", "completed"}
LABELS = {"competence": "Competence Name", "completed": "Achievement Date"}
TITLE = ["Compliance and Competency Report", "Report run on 04/12/2026", ""]
ABOVE = [
    "Line 1: 'Compliance and Competency Report' is above the headings, not a record",
    "Line 2: 'Report run on 04/12/2026' is above the headings, not a record",
]


def csv_file(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def test_the_headings_under_a_title_are_found_and_the_title_is_left_out():
    data = csv_file(
        *TITLE,
        "Person,Competence Name,Achievement Date,Expiry Date",
        '"10000001|Taylor, Sam",NHS|CSTF|Data Security Awareness - Level 1|,01/02/2026,01/02/2027',
    )
    table = read_table(data, ALIASES, REQUIRED, LABELS)
    assert table.records == [
        (
            5,
            {
                "person": "10000001|Taylor, Sam",
                "competence": "NHS|CSTF|Data Security Awareness - Level 1|",
                "completed": "01/02/2026",
            },
        )
    ]
    assert table.unused == ["Expiry Date"]
    assert table.ignored == [*ABOVE, "1 blank line"]


@pytest.mark.parametrize(
    "title",
    [
        "Competence Name,,,",  # one required heading on its own, as a title might hold it
        "Achievement Date",
        '"Competence Name and Achievement Date report",,,',  # both words, in one cell
        "Report of Competence Name, Achievement Date",  # both, one of them within other words
    ],
)
def test_a_title_that_mentions_a_heading_is_not_taken_for_the_headings(title):
    data = csv_file(title, "Competence Name,Achievement Date,Person", "Fire Safety,01/02/2026,20001")
    table = read_table(data, ALIASES, REQUIRED, LABELS)
    assert table.records == [(3, {"competence": "Fire Safety", "completed": "01/02/2026", "person": "20001"})]
    assert len(table.ignored) == 1 and table.ignored[0].startswith("Line 1: ")


def test_the_headings_on_line_20_are_found_and_on_line_21_are_not():
    headings, record = "Competence Name,Achievement Date", "Fire Safety,01/02/2026"
    found = read_table(csv_file(*["Notes"] * 19, headings, record), ALIASES, REQUIRED, LABELS)
    assert found.records == [(21, {"competence": "Fire Safety", "completed": "01/02/2026"})]
    with pytest.raises(CsvFileError) as error:
        read_table(csv_file(*["Notes"] * 20, headings, record), ALIASES, REQUIRED, LABELS)
    assert str(error.value) == (
        "The file has no column for: Achievement Date, Competence Name. No line among the first 20 has the headings "
        "Achievement Date, Competence Name. See the import guide for the headings we accept."
    )


def test_the_headings_missing_are_those_of_the_line_nearest_to_a_heading_row():
    data = csv_file(*TITLE, "Person,Competence Name,Achieved On", "20001,Fire Safety,01/02/2026")
    with pytest.raises(CsvFileError, match=r"^The file has no column for: Achievement Date\. No line among the first"):
        read_table(data, ALIASES, REQUIRED, LABELS)


def test_a_semicolon_file_under_a_title_with_a_comma_is_read_by_its_semicolons():
    title = "Compliance Report, NHS Example Trust"
    data = csv_file(title, "Competence Name;Achievement Date", "Fire Safety;01/02/2026")
    assert list(read_rows(data, ALIASES, REQUIRED, LABELS)) == [
        (3, {"competence": "Fire Safety", "completed": "01/02/2026"})
    ]


def titled_workbook(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Compliance and Competency Report"])
    sheet.append(["Report run on 04/12/2026"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_sheet_under_a_title_is_read_from_its_heading_row():
    data = titled_workbook([["Person", "Competence Name", "Achievement Date"], ["20001", "Fire Safety", "01/02/2026"]])
    table = read_table(data, ALIASES, REQUIRED, LABELS)
    assert table.records == [(5, {"person": "20001", "competence": "Fire Safety", "completed": "01/02/2026"})]
    assert table.ignored == [*ABOVE, "1 blank line"]


def test_a_completions_report_under_a_title_imports_with_its_own_line_numbers(hr_client, people, adults):
    data = csv_file(
        *TITLE,
        "Person,Competence Name,Achievement Date,Expiry Date",
        f'"20001|Jones, Grace","{ADULTS}",01/02/2026,',
        f'"20002|Taylor, Sam","{ADULTS}",31/02/2026,',
        "Report total: 2",
    )
    plan = plan_completions(data)
    assert [row.line for row in plan.to_record] == [5] and [line for line, _ in plan.rejected] == [6]
    footer = "Line 7: 'Report total: 2' is a footer or summary line, not a record"
    assert plan.ignored == [*ABOVE, footer, "1 blank line"]
    upload = reverse("imports:upload", args=["completions"])
    response = hr_client.post(upload, {"file": SimpleUploadedFile("c.csv", data)})
    page = hr_client.get(response["Location"]).content.decode()
    assert "Line 1: &#x27;Compliance and Competency Report&#x27; is above the headings, not a record" in page
    assert "Line 6: " in page and "no column for" not in page


def test_a_staff_list_under_a_title_dry_runs_with_its_own_line_numbers(db):
    team = factories.make_team("Finance")
    data = titled_workbook(
        [
            ["Employee Number", "First Name", "Last Name", "Work Email", "Organisation Code", "Hire Date"],
            ["1001", "Ann", "Able", "ann.able@example.nhs.uk", team.code, "01/04/2020"],
            ["1002", "Ben", "Best", "ben.best@example.nhs.uk", team.code, ""],
        ]
    )
    plan = plan_roster(data)
    assert [person.fields["first_name"] for person in plan.to_create] == ["Ann"], plan.problems
    assert plan.rejected == [(6, "Start Date is empty")]
    assert plan.ignored == [*ABOVE, "1 blank line"]


def test_a_line_too_long_to_read_above_the_headings_is_named_by_its_number():
    data = csv_file("Notes", "x" * 200_000, "Competence Name,Achievement Date", "Fire Safety,01/02/2026")
    with pytest.raises(CsvFileError, match=r"^Line 2: field larger than field limit"):
        read_table(data, ALIASES, REQUIRED, LABELS)
