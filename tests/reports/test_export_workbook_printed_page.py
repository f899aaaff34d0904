"""A page of an XLSX export printed alone, as an auditor or inspector is handed one, says what it is: at its top the
organisation, the teams, the day and the clock (or that it is live); at its foot who made it and when, the filters,
and "Page N of M"; and the columns' names again on every page. Before, the workbook said all of this on a sheet of
its own after the rows, which a printed page of the rows does not carry, so a page of Overdue rows could not be
told from another day's, another clock's or a filtered export's. An "&" in a name is doubled (alone it starts a
code: "R&D" would print as "R" and the date) and a long name is cut, since Excel refuses a header of more than 255
characters."""

import datetime
import io
import zipfile

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.reports.conftest import client_for


def _day():
    return timezone.localdate() - datetime.timedelta(days=40)


def _workbook(client, query):
    content = b"".join(client.get(reverse("exports:xlsx"), query).streaming_content)
    return load_workbook(io.BytesIO(content)), content


def test_a_printed_page_of_a_past_day_names_whose_the_day_the_clock_and_who_made_it(org, hr, settings):
    settings.PORTAL_ORGANISATION_NAME = "NHS Example Integrated Care Board"
    query = {"team": org["comms"].pk, "as_at": _day().isoformat(), "basis": "as_recorded"}
    sheet = _workbook(client_for(hr), query)[0].worksheets[0]
    assert sheet.oddHeader.left.text == "NHS Example Integrated Care Board"
    assert sheet.oddHeader.center.text == "Compliance: Communications, and every team below"
    assert sheet.oddHeader.right.text == f"As at: The end of {_day():%-d %B %Y} (UK time), as recorded then"
    footer = sheet.oddFooter
    assert footer.left.text.startswith("Made ") and f"by {hr.user.display_name} ({hr.user.email})" in footer.left.text
    assert footer.center.text == "No filters"
    assert footer.right.text == "Page &P of &N"
    assert sheet.print_title_rows == "$1:$1"


def test_a_live_filtered_export_says_so_on_each_page(org, hr):
    requirement = org["sam"].statuses.get().requirement
    query = {"team": org["comms"].pk, "requirement": requirement.pk}
    sheet = _workbook(client_for(org["manager"]), query)[0].worksheets[0]
    assert sheet.oddHeader.right.text.startswith("As at: Now (")
    assert sheet.oddFooter.center.text == f"Only the rows of this requirement: {requirement.name}"


def test_an_ampersand_is_doubled_and_a_long_name_cut_to_what_excel_opens(org, hr, settings):
    settings.PORTAL_ORGANISATION_NAME = "R&D " + "Trust " * 60
    org["comms"].name = "Theatres & Recovery " + "Z" * 180
    org["comms"].save()
    workbook, content = _workbook(client_for(hr), {"team": org["comms"].pk})
    sheet = workbook.worksheets[0]
    assert sheet.oddHeader.left.text.startswith("R&&D Trust") and sheet.oddHeader.left.text.endswith("\u2026")
    assert sheet.oddHeader.center.text.startswith("Compliance: Theatres && Recovery ZZZ")
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    header = xml.split("<oddHeader>")[1].split("</oddHeader>")[0].replace("&amp;", "&")
    footer = xml.split("<oddFooter>")[1].split("</oddFooter>")[0].replace("&amp;", "&")
    assert len(header) <= 255 and len(footer) <= 255
