"""Who a requirement set for a team applied to on a past day is judged by the team tree of that day
(`people.team_history`), not today's: Digital moves today from Communications to Finance, and "Communications
Briefing" (set for Communications and the teams below it) still applied to Sam, in Digital, on a day before the move,
in an export, an evidence pack (its pages, its CSV twin, verify_pack), the person's page and the organisation report,
on both clocks; as at today it does not. A move into a team's audience is the day its people joined it, so their
new-starter window counts from it. And a pack's cover lists its teams in the tree's order of that day."""

import csv
import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection, status
from portal.compliance.models import RequirementStatus, StatusInterval
from portal.compliance.organisation import team_move
from portal.people.models import StaffChange, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.organisation import organisation_report
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made

CSV = reverse("exports:csv")


def _day():
    # before the move
    return timezone.localdate() - datetime.timedelta(days=40)


BASES = [AS_IT_WAS, AS_RECORDED]
BRIEFING = "Communications Briefing"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


@pytest.fixture
def moved(org, hr):
    """Communications Briefing for Communications (and below), Finance Controls for Finance; the roster loaded long
    ago; then Digital (Sam's team) moves from Communications to Finance, today."""
    briefing = factories.make_requirement(name=BRIEFING, applies_to_everyone=False)
    briefing.teams.set([org["comms"]])
    controls = factories.make_requirement(name="Finance Controls", applies_to_everyone=False)
    controls.teams.set([org["finance"]])
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    team_move(team=org["digital"], parent=Team.objects.get(pk=org["finance"].pk), user=hr.user)
    return {**org, "briefing": briefing, "controls": controls, "root": Team.objects.get(depth=1)}


def _csv_requirements(response) -> dict[str, set[str]]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Employee number", "Name"])
    column = rows[start].index("Requirement")
    found: dict[str, set[str]] = {}
    for row in rows[start + 1 :]:
        found.setdefault(row[1], set()).add(row[column])
    return found


@pytest.mark.parametrize("basis", BASES)
def test_an_export_as_at_a_day_before_the_move_lists_the_requirement_of_the_team_it_was_under(moved, hr, basis):
    client = client_for(hr)
    past = _csv_requirements(client.get(CSV, {"as_at": _day().isoformat(), "basis": basis, "team": moved["root"].pk}))
    assert BRIEFING in past["Sam Digital"] and "Finance Controls" not in past["Sam Digital"]
    assert BRIEFING in past["Grace Manager"] and BRIEFING not in past["Fay Finance"]
    today = _csv_requirements(
        client.get(CSV, {"as_at": timezone.localdate().isoformat(), "basis": basis, "team": moved["root"].pk})
    )
    assert BRIEFING not in today["Sam Digital"] and "Finance Controls" in today["Sam Digital"]
    assert BRIEFING not in _csv_requirements(client.get(CSV, {"team": moved["root"].pk}))["Sam Digital"]


def test_the_runs_in_effective_time_follow_the_tree_of_each_day(moved):
    runs = StatusInterval.objects.filter(staff=moved["sam"])
    briefing = runs.filter(requirement=moved["briefing"]).order_by("valid_from")
    assert briefing.exists() and briefing.last().valid_to == timezone.localdate()  # up to the move, not after it
    controls = runs.filter(requirement=moved["controls"]).order_by("valid_from")
    assert controls.first().valid_from == timezone.localdate()


def test_a_move_into_a_teams_audience_starts_the_new_starter_window(moved):
    """Sam joined Finance Controls' audience today, with Digital: due in its 28 days, not overdue since their start."""
    row = RequirementStatus.objects.get(staff=moved["sam"], requirement=moved["controls"])
    assert row.due_on == timezone.localdate() + datetime.timedelta(days=28)
    assert row.state(timezone.localdate()) != status.OVERDUE


def _pdf_text(path, *pages: str) -> str:
    command = ["pdftotext", "-layout", *pages, str(path), "-"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


@pytest.mark.parametrize("basis", BASES)
def test_a_pack_as_at_a_day_before_the_move_holds_the_requirement_then(moved, hr, tmp_path, capsys, basis):
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, moved["digital"], _day(), basis), tmp_path)
    assert BRIEFING in _pdf_text(pdf) and "Finance Controls" not in _pdf_text(pdf)
    assert b"Sam Digital,Digital," in twin.read_bytes() and BRIEFING.encode() in twin.read_bytes()
    call_command("verify_pack", str(pdf), str(twin))  # rebuilt from the records, the same bytes
    assert "The pack matches the records." in capsys.readouterr().out

    pdf, twin = pack_downloaded(client, pack_made(client, moved["digital"], timezone.localdate(), basis), tmp_path)
    assert BRIEFING not in _pdf_text(pdf) and "Finance Controls" in _pdf_text(pdf)
    assert BRIEFING.encode() not in twin.read_bytes()


@pytest.mark.parametrize("basis", BASES)
def test_a_packs_cover_lists_the_teams_in_the_order_of_the_tree_that_day(moved, hr, tmp_path, basis):
    """On the day, Digital was under Communications: Communications, Digital, Finance. Today's paths put Digital
    under Finance, after it."""
    client = client_for(hr)
    pdf, _ = pack_downloaded(client, pack_made(client, moved["root"], _day(), basis), tmp_path)
    cover = _pdf_text(pdf, "-f", "1", "-l", "1")
    positions = [cover.index(f"\n{name} ") for name in ("Communications", "Digital", "Finance")]
    assert positions == sorted(positions), cover


@pytest.mark.parametrize("basis", BASES)
def test_the_persons_page_as_at_a_day_before_the_move_lists_the_requirement_then(moved, hr, basis):
    client = client_for(hr)
    url = reverse("reports:team_person", args=[moved["sam"].pk])
    past = client.get(url, {"as_at": _day().isoformat(), "basis": basis})
    assert past.status_code == 200
    assert BRIEFING in past.content.decode() and "Finance Controls" not in past.content.decode()
    today = client.get(url, {"as_at": timezone.localdate().isoformat(), "basis": basis})
    assert BRIEFING not in today.content.decode() and "Finance Controls" in today.content.decode()


@pytest.mark.parametrize("basis", BASES)
def test_the_organisation_report_as_at_a_day_before_the_move_counts_the_requirement_then(moved, hr, basis):
    def required(report, requirement):
        groups = {group.team.name: group for group in report.groups}
        return {
            name: group.figures[requirement.pk].required
            for name, group in groups.items()
            if requirement.pk in group.figures
        }

    past = organisation_report(moved["root"], as_at=_day(), today=timezone.localdate(), basis=basis)
    assert required(past, moved["briefing"]) == {"Communications": 2}  # Grace, and Sam in Digital below it then
    assert required(past, moved["controls"]).get("Finance") == 3  # Felix, Fay and Hana; not Sam yet
    live = organisation_report(moved["root"], today=timezone.localdate())
    assert required(live, moved["briefing"]) == {"Communications": 1}
    assert required(live, moved["controls"]).get("Finance") == 4
