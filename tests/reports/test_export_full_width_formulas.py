"""A cell that starts with the full-width form of a formula sign (＝ ＋ － ＠, as a Japanese or Chinese keyboard types
them) is written as text in the CSV exports, as one starting with = + - @ is: a spreadsheet set to those languages
reads a full-width sign typed at the start of a cell as the sign itself, so '＝HYPERLINK(...)' in a name, a team's
name, a staff group or a requirement's name would run as a formula in the file HR or a manager opens. Before, only
the half-width signs were made text. The XLSX holds every such value as text already (a worksheet cell has a type),
and shows it as it is, with no apostrophe."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from portal.lib.formula_text import neutralise
from tests import factories
from tests.reports.conftest import client_for

FULL_WIDTH = {"\uff1d": "equals", "\uff0b": "plus", "\uff0d": "minus", "\uff20": "at"}


@pytest.mark.parametrize("sign", list(FULL_WIDTH))
def test_a_full_width_formula_sign_at_the_start_is_made_text(sign):
    assert neutralise(f"{sign}HYPERLINK(1)") == f"'{sign}HYPERLINK(1)"
    assert neutralise(f"Ward {sign}1") == f"Ward {sign}1"  # only at the start


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_names_teams_groups_and_requirements_starting_so_are_text_in_the_csv_and_as_they_are_in_the_xlsx(org, hr):
    team = factories.make_team("\uff0bWard 9", parent=org["comms"])
    factories.make_staff(team=team, first_name="\uff1dHYPERLINK(1)", last_name="X", staff_group="\uff20SUM(A1)")
    Requirement.objects.update(name="\uff0d1+1")
    refresh()
    client = client_for(hr)
    query = {"team": org["comms"].pk}

    rows = [row for row in _csv(client.get(reverse("exports:csv"), query)) if "HYPERLINK" in row[1]]
    assert [row[1:4] + row[5:6] for row in rows] == [
        ["'\uff1dHYPERLINK(1) X", "'\uff0bWard 9", "'\uff20SUM(A1)", "'\uff0d1+1"]
    ]

    workbook = load_workbook(io.BytesIO(b"".join(client.get(reverse("exports:xlsx"), query).streaming_content)))
    cells = next(row for row in workbook.active.iter_rows(min_row=2) if "HYPERLINK" in str(row[1].value))
    assert [cell.value for cell in (cells[1], cells[2], cells[3], cells[5])] == [
        "\uff1dHYPERLINK(1) X",
        "\uff0bWard 9",
        "\uff20SUM(A1)",
        "\uff0d1+1",
    ]
    assert {cell.data_type for cell in cells[1:6]} == {"s"}


def test_a_name_starting_so_is_text_in_hrs_list_file(org, hr):
    factories.make_staff(team=org["finance"], first_name="\uff1dHYPERLINK(1)", last_name="X")
    response = client_for(hr).get(reverse("hr_reports:list_csv", args=["never-signed-in"]))
    assert "'\uff1dHYPERLINK(1) X" in [row[1] for row in _csv(response)]
