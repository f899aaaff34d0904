"""CSV and XLSX exports: the rows, Excel-safe cells, as at a date, who may export what, and the audit log."""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.audit.models import AuditEvent
from portal.lib.formula_text import neutralise
from tests import factories
from tests.reports.conftest import client_for

CSV, XLSX = reverse("exports:csv"), reverse("exports:xlsx")


def _csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # so that Excel reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 1925", "'+44 1925"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Sam O'Neill", "Sam O'Neill"),
        ("", ""),
        (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1)),
        (12, 12),
    ],
)
def test_cells_a_spreadsheet_would_run_as_formulas_are_made_text(value, expected):
    assert neutralise(value) == expected


def test_a_manager_exports_their_teams_as_csv(org):
    requirement = org["sam"].statuses.get().requirement
    entry = factories.make_completion(org["sam"], requirement, source_ref="import batch 7 line 12")
    response = client_for(org["manager"]).get(CSV)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="compliance-communications-')
    rows = _csv(response)
    assert rows[0][:7] == ["Employee number", "Name", "Team", "Staff group", "Employment type", "Requirement", "Status"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Grace Manager", "Sam Digital"}  # not Finance, not the leaver
    sam = by_name["Sam Digital"]
    assert sam[4] == "Agency" and sam[6] == "Compliant"
    assert sam[7] == timezone.localdate(entry.completed_at).isoformat()
    assert sam[11] == "import batch 7 line 12" and sam[14] == str(entry.seq)
    assert by_name["Grace Manager"][6] == "Overdue"
    assert AuditEvent.objects.filter(action=AuditEvent.EXPORT).count() == 1


def test_formula_text_in_the_roster_is_neutralised_in_csv_and_stored_as_text_in_xlsx(org):
    sam = org["sam"]
    sam.first_name = '=HYPERLINK("http://evil.example","click")'
    sam.save()
    client = client_for(org["manager"])
    names = [row[1] for row in _csv(client.get(CSV))[1:]]
    assert '\'=HYPERLINK("http://evil.example","click") Digital' in names
    workbook = load_workbook(io.BytesIO(b"".join(client.get(XLSX).streaming_content)))
    cells = {row[1].value: row[1].data_type for row in workbook.active.iter_rows(min_row=2)}
    # The name as it is, with no apostrophe showing, held as text ("s"), never as a formula ("f").
    assert cells['=HYPERLINK("http://evil.example","click") Digital'] == "s"
    assert all(cell.data_type != "f" for row in workbook.active.iter_rows() for cell in row)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client_for(org["manager"]).get(XLSX).streaming_content)))
    assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_xlsx_holds_the_same_rows_as_csv(org, hr):
    client = client_for(hr)
    rows = _csv(client.get(CSV))
    response = client.get(XLSX)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = [
        ["" if v is None else str(v)[:10] if isinstance(v, datetime.datetime) else str(v) for v in row]
        for row in workbook.active.iter_rows(values_only=True)
    ]
    assert sheet == rows


def test_an_export_as_at_a_date_shows_the_records_of_then(org, hr):
    client = client_for(hr)
    today = timezone.localdate()
    yesterday = today - datetime.timedelta(days=1)
    rows = _csv(client.get(CSV, {"as_at": yesterday.isoformat(), "basis": "as_recorded"}))
    assert rows == [rows[0]]  # the roster was loaded today: nobody was on it yesterday, as recorded then
    rows = _csv(client.get(CSV, {"as_at": today.isoformat(), "basis": "as_recorded"}))
    assert {row[1] for row in rows[1:]} == {
        "Grace Manager",
        "Felix Other",
        "Sam Digital",
        "Fay Finance",
        "Hana Human-Resources",
    }
    exports = AuditEvent.objects.filter(action=AuditEvent.EXPORT).order_by("pk")
    assert list(exports.values_list("as_at", flat=True)) == [yesterday, today]


def test_exports_are_refused_outside_what_you_may_see(org, client):
    other = client_for(org["other"])
    assert other.get(CSV, {"team": org["comms"].pk}).status_code == 404
    assert other.get(XLSX, {"team": org["digital"].pk}).status_code == 404
    names = [row[1] for row in _csv(other.get(CSV))[1:]]
    assert sorted(names) == ["Fay Finance", "Felix Other"]
    assert client_for(org["sam"]).get(CSV).status_code == 403
    assert client.get(CSV)["Location"].startswith("/accounts/login/")
    assert not AuditEvent.objects.filter(action=AuditEvent.EXPORT, scope__contains="Communications").exists()


def test_a_bad_date_is_named_and_nothing_is_exported(org):
    response = client_for(org["manager"]).get(CSV, {"as_at": "yesterday"})
    assert response.status_code == 400
    assert "The date in the web address must be year-month-day" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.EXPORT).exists()


@pytest.mark.parametrize(
    "query", [{"as_at": "yesterday"}, {"as_at_day": "31", "as_at_month": "2", "as_at_year": "2026"}]
)
def test_the_error_pages_summary_links_to_something_on_the_page(org, query):
    """The export's error page has no form: each link in its error summary goes to what it says to do instead."""
    page = client_for(org["manager"]).get(CSV, query).content.decode()
    links = re.findall(r'<a href="#([^"]+)"', page.split('class="nhsuk-error-summary"')[1].split("</ul>")[0])
    assert links and all(f'id="{anchor}"' in page for anchor in links)


def test_the_live_export_and_the_export_as_at_now_are_the_same_rows(org, hr, policy):
    from portal.compliance.asat import Moment
    from portal.people.models import Team
    from portal.reports.exports import export_rows

    requirement = org["sam"].statuses.get().requirement
    attest = factories.make_requirement(name="Social media policy", kind="attest_policy", page=policy)
    snapshot = factories.make_snapshot(policy, "2")
    from portal.compliance.models import EvidenceEntry
    from portal.compliance.projection import refresh

    refresh()
    factories.make_completion(org["sam"], attest, source=EvidenceEntry.ATTESTATION, snapshot=snapshot)
    factories.make_completion(org["fin"], requirement, completed_at=timezone.now() - datetime.timedelta(days=700))
    roots = list(Team.objects.filter(depth=1))
    live = list(export_rows(roots))
    assert live == list(export_rows(roots, Moment.now()))
    assert any(row.policy_version == "2" and row.policy_hash == snapshot.content_hash for row in live)
