"""The people, teams and helpers of the access matrix (`test_access_matrix.py`, `test_access_matrix_packs.py`): who
may see what, on every report and export address, for five people: Sam (staff in Digital), Grace (manages
Communications, which holds Digital), Felix (manages Finance), Hana (HR, with MFA) and an anonymous visitor. Bo, in
Finance, also holds a bank post in Digital: Grace may see Bo on her team page today, find Bo and open Bo's page,
nothing else (the cases say where Bo must not be).

Addresses are written with symbolic values resolved per test: "@sam" is Sam's staff id, "@finance" the Finance team's
id, "@missing" an id that exists nowhere, "@yesterday" yesterday's date; anything else is sent as written, so
tampered values ("abc", "-1", a number too large for the database) are tried as they would arrive from a browser.
Every response, whatever its status, is also searched for the names of people and teams the persona may not see.
"""

import datetime
import io
import subprocess
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.reports.conftest import client_for

LOGIN = "login"  # expected: a redirect to the sign-in page
MISSING = 2_000_000_000  # fits any integer column, belongs to no row
HUGE = "99999999999999999999"  # larger than any integer column
PLACEHOLDER = 987654321  # stands in for a path argument that reverse() would refuse ("abc", "-1")

PEOPLE = {
    "sam": "Sam Digital",
    "manager": "Grace Manager",
    "other": "Felix Other",
    "fin": "Fay Finance",
    "leaver": "Lee Leaver",
    "hr": "Hana Human-Resources",
    "bank": "Bo Bank",
}
ALL_NAMES = set(PEOPLE.values())
# Names (of people and of teams) each persona may come across; any other name of ALL_NAMES, or a team in
# FORBIDDEN_TEAMS, on a page they get is a leak.
MAY_SEE = {
    "anonymous": set(),
    "sam": {"Sam Digital"},
    # Communications and Digital, leavers included; Bo through the bank post in Digital, on the live team page and
    # Bo's own page only (CONTENT_CASES and the packs' cases say where not)
    "manager": {"Grace Manager", "Sam Digital", "Lee Leaver", "Bo Bank"},
    "other": {"Felix Other", "Fay Finance", "Hana Human-Resources", "Bo Bank"},  # Finance
    "hr": ALL_NAMES,
}
FORBIDDEN_TEAMS = {
    "anonymous": set(),
    "sam": {"Finance"},
    "manager": {"Finance"},
    "other": {"Communications", "Digital"},
    "hr": set(),
}
PERSONAS = ("anonymous", "sam", "manager", "other", "hr")
TAMPERED_TEAMS = ["@missing", "abc", "-1", "0", HUGE]
TAMPERED_IDS = ["@missing", "abc", "-1", "0", HUGE]  # in the path, "abc" and "-1" do not match <int:...>


def client_as(world, persona) -> Client:
    return Client() if persona == "anonymous" else client_for(world[persona])


def value_of(world, value):
    if isinstance(value, list):
        return [value_of(world, v) for v in value]
    if not isinstance(value, str) or not value.startswith("@"):
        return value
    key = value[1:]
    if key == "missing":
        return MISSING
    if key == "yesterday":
        return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    return world[key].pk


def url_for(world, name, arg=None, query=None) -> str:
    if arg is None:
        path = reverse(name)
    else:
        path = reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), str(value_of(world, arg)))
    if query:
        path += "?" + urlencode({k: value_of(world, v) for k, v in query.items()}, doseq=True)
    return path


def data_for(world, data) -> dict:
    return {k: value_of(world, v) for k, v in data.items()}


def describe(name, arg=None, query=None) -> str:
    text = name + (f"/{arg}" if arg is not None else "")
    if query:
        text += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return text


def assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    elif isinstance(expected, str):  # a redirect to this named page
        assert response.status_code == 302, response.status_code
        assert response["Location"] == reverse(expected), response["Location"]
    else:
        assert response.status_code == expected, response.status_code


def text_of(response, tmp_path) -> str:
    """What a person would read in the response: the page, the CSV, the workbook's cells or the PDF's text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        cells = (cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
        return "\n".join(str(cell) for cell in cells if cell is not None)
    if content_type.startswith("application/pdf"):
        path = tmp_path / "response.pdf"
        path.write_bytes(body)
        return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return body.decode("utf-8-sig", errors="replace")


def assert_no_strangers(persona, text):
    leaked = {name for name in ALL_NAMES - MAY_SEE[persona] if name in text}
    leaked |= {team for team in FORBIDDEN_TEAMS[persona] if team in text}
    assert not leaked, f"{persona} was shown {sorted(leaked)}"


# --- GET: every report and export page -------------------------------------------------------------------------
