"""HR's organisation report filtered to a requirement and a staff group: its CSV, XLSX and evidence pack hold exactly
the rows the page counts, on every clock, and say which filters they hold; a filter that is not one is named and
nothing is made. The manager's team page carries its requirement filter to its downloads."""

import csv
import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.compliance import projection
from portal.people.models import StaffChange, TeamManager
from portal.people.roles import hr_group
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.models import EvidencePack
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.test_packs_clocks import _private_media  # noqa: F401 - packs written to a temporary folder

NURSES = "Nursing and Midwifery Registered"
# as_at: days before today, read in the test (_query): read when the file was imported, a run going past midnight
# asked for other days than these.
CLOCKS = [
    {},
    {"as_at": 0, "basis": AS_RECORDED},
    {"as_at": 0, "basis": AS_IT_WAS},
    {"as_at": 1, "basis": AS_RECORDED},
    {"as_at": 1, "basis": AS_IT_WAS},
]
CLOCK_IDS = ["live", "today as recorded", "today as it was", "yesterday as recorded", "yesterday as it was"]


@pytest.fixture
def trust(db):
    trust = factories.make_team("Trust", kind="organisation")
    ward = factories.make_team("Ward 7", parent=trust)
    office = factories.make_team("Office", parent=trust)
    fire = factories.make_requirement(name="Fire safety")
    other = factories.make_requirement(name="Information governance")
    nurse = factories.make_staff(team=ward, first_name="Nia", last_name="Nurse", staff_group=NURSES)
    factories.make_staff(team=office, first_name="Ola", last_name="Office")
    factories.make_staff(team=office, first_name="Pat", last_name="Paper")
    manager = factories.make_staff(team=ward, first_name="Grace", last_name="Manager", staff_group=NURSES)
    TeamManager.objects.create(staff=manager, team=ward)
    hr = factories.make_staff(team=office, first_name="Hana", last_name="Hr")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=30))
    factories.make_completion(nurse, fire, completed_at=timezone.now() - datetime.timedelta(days=3))
    factories.make_completion(nurse, other, completed_at=timezone.now() - datetime.timedelta(days=3))
    return {"trust": trust, "ward": ward, "fire": fire, "hr": hr, "manager": manager}


def _query(trust, clock, **extra):
    query = {"team": trust["trust"].pk, "requirement": trust["fire"].pk, "staff_group": NURSES, **extra}
    if clock:
        as_at = timezone.localdate() - datetime.timedelta(days=clock["as_at"])
        query |= {"as_at": as_at.isoformat(), "basis": clock["basis"]}
    return query


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content.decode()[:500]
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


@pytest.mark.parametrize("clock", CLOCKS, ids=CLOCK_IDS)
def test_the_csv_holds_the_rows_the_page_counts(trust, clock):
    client = client_for(trust["hr"])
    page = client.get(reverse("hr_reports:organisation"), _query(trust, clock))
    assert page.status_code == 200
    figure = page.context["report"].totals[trust["fire"].pk]
    assert figure.required == 2  # the nurse and their manager: not the office, not the other requirement

    response = client.get(reverse("exports:csv"), _query(trust, clock))
    rows = _csv(response)
    assert rows[0] == ["Filtered to", "Requirement: Fire safety", f"Staff group: {NURSES}"]
    assert rows[1][:2] == ["Employee number", "Name"]
    assert len(rows[2:]) == figure.required
    assert {(row[3], row[5]) for row in rows[2:]} == {(NURSES, "Fire safety")}
    assert "fire-safety" in response["Content-Disposition"] and "nursing" in response["Content-Disposition"]


@pytest.mark.parametrize("clock", CLOCKS, ids=CLOCK_IDS)
def test_the_workbook_holds_the_same_rows_and_says_its_filters(trust, clock):
    client = client_for(trust["hr"])
    page = client.get(reverse("hr_reports:organisation"), _query(trust, clock))
    response = client.get(reverse("exports:xlsx"), _query(trust, clock))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert len(rows[1:]) == page.context["report"].totals[trust["fire"].pk].required
    about = dict(workbook["About this export"].iter_rows(values_only=True))
    assert about["Only the rows of this requirement"] == "Fire safety"
    assert about["Only people in this staff group"] == NURSES


def test_an_export_of_everything_is_unchanged_and_says_so(trust):
    client = client_for(trust["hr"])
    rows = _csv(client.get(reverse("exports:csv"), {"team": trust["trust"].pk}))
    assert rows[0][:2] == ["Employee number", "Name"]  # no filter line
    assert len(rows[1:]) == 10  # five people, two requirements
    response = client.get(reverse("exports:xlsx"), {"team": trust["trust"].pk})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert dict(workbook["About this export"].iter_rows(values_only=True))["Filters"].startswith("None")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"staff_group": "Wizards"}, "Choose a staff group from the list"),
        ({"requirement": "999999"}, "Choose a requirement from the list"),
        ({"requirement": "fire"}, "Choose a requirement from the list"),
    ],
)
@pytest.mark.parametrize("kind", ["csv", "xlsx", "pack_new"])
def test_a_bad_filter_is_named_and_nothing_is_made(trust, bad, message, kind):
    client = client_for(trust["hr"])
    query = {"team": trust["trust"].pk, **bad}
    response = client.post(reverse(f"exports:{kind}"), query) if kind == "pack_new" else None
    if response is None:
        response = client.get(reverse(f"exports:{kind}"), query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_filters_add_no_query_per_row(trust, django_assert_max_num_queries):
    client = client_for(trust["hr"])
    for n in range(6):
        factories.make_staff(team=trust["ward"], staff_group=NURSES, last_name=f"More {n}")
    projection.refresh()
    with django_assert_max_num_queries(20) as captured:
        _csv(client.get(reverse("exports:csv"), {"team": trust["trust"].pk}))
    unfiltered = len(captured.captured_queries)
    with django_assert_max_num_queries(unfiltered + 2) as captured:  # the staff group checked, the requirement read
        rows = _csv(client.get(reverse("exports:csv"), _query(trust, {})))
    assert len(rows[2:]) == 8


def _pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(out.split())


@pytest.mark.parametrize("basis", [AS_RECORDED, AS_IT_WAS])
def test_a_pack_with_filters_holds_and_names_them_and_verifies(trust, basis, tmp_path, capsys):
    client = client_for(trust["hr"])
    query = _query(trust, {"as_at": 1, "basis": basis})  # yesterday
    form = client.get(reverse("exports:pack_new"), query)
    assert 'name="staff_group"' in form.content.decode() and "only Fire safety" in form.content.decode()
    response = client.post(reverse("exports:pack_new"), query)
    assert response.status_code == 302, response.content.decode()[:800]
    pack = EvidencePack.objects.get()
    assert pack.status == EvidencePack.DONE, pack.error
    assert (pack.requirement, pack.staff_group) == (trust["fire"], NURSES)
    # Kept under the whole name the filters make (past a FileField's default 100 characters, the storage cut it and
    # put a random ending where the pack's id was).
    assert len(pack.pdf.name) > 100
    kept = [getattr(pack, kind).name.rsplit("/", 1)[1] for kind in ("pdf", "csv")]
    assert kept == [f"{pack.stem}.pdf", f"{pack.stem}.csv"]
    page = client.get(reverse("hr_reports:organisation"), query)
    required = page.context["report"].totals[trust["fire"].pk].required

    paths = {}
    for kind in ("pdf", "csv"):
        download = client.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        paths[kind] = tmp_path / f"{pack.stem}.{kind}"
        paths[kind].write_bytes(b"".join(download.streaming_content))
    rows = list(csv.reader(io.StringIO(paths["csv"].read_text("utf-8-sig"))))
    assert rows[0] == ["Filtered to", "Requirement: Fire safety", f"Staff group: {NURSES}"]
    assert len(rows[2:]) == required == 2
    text = _pdf_text(paths["pdf"])
    assert f"Filtered to Requirement: Fire safety; Staff group: {NURSES}" in text
    assert "Ola Office" not in text and "Information governance" not in text
    assert "Requirement filter:" in text
    call_command("verify_pack", str(paths["pdf"]), str(paths["csv"]))  # raises if the rebuilt twin differs


def test_the_team_page_carries_its_requirement_to_the_downloads(trust):
    client = client_for(trust["manager"])
    page = client.get(reverse("reports:team"), {"team": trust["ward"].pk, "requirement": trust["fire"].pk})
    content = page.content.decode()
    assert f"requirement={trust['fire'].pk}" in content and "Only Fire safety" in content
    rows = _csv(client.get(reverse("exports:csv"), {"team": trust["ward"].pk, "requirement": trust["fire"].pk}))
    assert {row[5] for row in rows[2:]} == {"Fire safety"} and len(rows[2:]) == 2

    by_state = client.get(reverse("reports:team"), {"team": trust["ward"].pk, "state": "overdue"})
    assert "whatever their status" in by_state.content.decode()
