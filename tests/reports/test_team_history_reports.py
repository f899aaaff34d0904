"""Reports and exports about a past day read the team tree as it stood that day (`people.team_history`), on their
clock: after a rename, a past day's CSV and XLSX name the team as it was named then (today's, as it is now); after a
team moves from one part of the organisation to another, each part as at a day before the move still counts the
people it had then, on both clocks, and gives the answer it gave before the move (invariant 3); a team added after
the day does not appear in a report about it."""

import csv
import datetime
import io

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.compliance import projection
from portal.compliance.asat import Moment
from portal.compliance.organisation import team_create, team_move, team_rename
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange, StaffMember, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.exports import export_rows, export_rows_known
from portal.reports.organisation import figures_as_at, organisation_report
from portal.reports.team import team_matrix
from tests.dbrole import as_owner
from tests.reports.conftest import client_for

CSV, XLSX, ORGANISATION = reverse("exports:csv"), reverse("exports:xlsx"), reverse("hr_reports:organisation")


def _day():
    # the past day reported on
    return timezone.localdate() - datetime.timedelta(days=40)


BASES = [AS_IT_WAS, AS_RECORDED]


@pytest.fixture
def history(org, hr):
    """The roster as loaded long ago, so that both clocks have everyone in their team on the day."""
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    return org


def _csv(response) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Employee number", "Name", "Team"]
    return {row[1]: row for row in rows[1:]}


def _xlsx(response) -> dict[str, tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Employee number", "Name", "Team")
    return {row[1]: row for row in rows[1:]}


def _teams_of(rows) -> dict[str, str]:
    return {row.name: row.team for row in rows}


@pytest.mark.parametrize("basis", BASES)
def test_a_past_days_csv_and_xlsx_name_a_renamed_team_as_it_was_then(history, hr, basis):
    team_rename(team=history["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    client = client_for(hr)
    past = {"as_at": _day().isoformat(), "basis": basis, "team": history["comms"].pk}

    assert _csv(client.get(CSV, past))["Sam Digital"][2] == "Digital"
    assert _xlsx(client.get(XLSX, past))["Sam Digital"][2] == "Digital"
    assert _csv(client.get(CSV, {"team": history["comms"].pk}))["Sam Digital"][2] == "Digital Services"
    assert _xlsx(client.get(XLSX, {"team": history["comms"].pk}))["Sam Digital"][2] == "Digital Services"
    # Today, on either clock, the day read has the new name.
    today = {"as_at": timezone.localdate().isoformat(), "basis": basis, "team": history["comms"].pk}
    assert _csv(client.get(CSV, today))["Sam Digital"][2] == "Digital Services"


def test_a_pack_as_it_was_reads_the_name_as_recorded_before_its_cutoff(history, hr):
    cutoff = timezone.now()
    team_rename(team=history["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    before = _teams_of(export_rows_known([history["comms"]], Moment(timezone.localdate(), cutoff)))
    after = _teams_of(export_rows_known([history["comms"]], Moment(timezone.localdate(), timezone.now())))
    assert before["Sam Digital"] == "Digital" and after["Sam Digital"] == "Digital Services"


def _required(node: Team, basis: str) -> int:
    return organisation_report(node, as_at=_day(), today=timezone.localdate(), basis=basis).overall.required


def _people(node: Team, basis: str) -> set[str]:
    return {row.name for row in export_rows([node], Moment.end_of(_day()), basis=basis)}


@pytest.mark.parametrize("basis", BASES)
def test_a_part_of_the_organisation_as_at_a_day_before_a_move_counts_the_people_it_had_then(history, hr, basis):
    comms, finance = history["comms"], history["finance"]
    before = {team.pk: (_required(team, basis), _people(team, basis)) for team in (comms, finance)}
    assert "Sam Digital" in before[comms.pk][1] and "Sam Digital" not in before[finance.pk][1]

    team_move(team=history["digital"], parent=finance, user=hr.user)
    comms, finance = Team.objects.get(pk=comms.pk), Team.objects.get(pk=finance.pk)

    # As at the day before the move, on this clock: the same answer as before it.
    for team in (comms, finance):
        assert (_required(team, basis), _people(team, basis)) == before[team.pk], team.name
    # Worked afresh from the records as recorded then (not the figures kept before the move), the same people.
    if basis == AS_RECORDED:
        afresh = figures_as_at(comms, None, Moment.end_of(_day()))
        assert sum(figure.required for figure in afresh.values()) == before[comms.pk][0]
    matrix = team_matrix([comms], Moment.end_of(_day()), basis=basis)
    assert "Sam Digital" in {f"{p.first_name} {p.last_name}" for p, _ in matrix.people}
    assert {p.team_name for p, _ in matrix.people if p.first_name == "Sam"} == {"Digital"}
    # Today, live: Sam is in Finance's part of the organisation and not in Communications'.
    assert "Sam Digital" in {row.name for row in export_rows([finance])}
    assert "Sam Digital" not in {row.name for row in export_rows([comms])}


@pytest.mark.parametrize("basis", BASES)
def test_the_organisation_report_groups_people_by_the_tree_as_it_stood(history, hr, basis):
    root = Team.objects.get(depth=1)
    team_move(team=history["digital"], parent=history["finance"], user=hr.user)
    report = organisation_report(root, as_at=_day(), today=timezone.localdate(), basis=basis)
    groups = {group.team.name: group for group in report.groups}
    # Sam, in Digital, counted in Communications' row on the day before the move; Digital one level below it then.
    comms = groups["Communications"].overall.required
    assert comms == sum(f.required for f in groups["Communications"].figures.values()) and comms >= 2
    live = {group.team.name: group for group in organisation_report(root, today=timezone.localdate()).groups}
    assert live["Communications"].overall.required == comms - 1
    assert live["Finance"].overall.required == groups["Finance"].overall.required + 1
    page = client_for(hr).get(ORGANISATION, {"as_at": _day().isoformat(), "basis": basis, "team": root.pk})
    assert page.status_code == 200
    shown = {group.team.name: group.overall.required for group in page.context["report"].groups}
    assert shown == {name: group.overall.required for name, group in groups.items()}


@pytest.mark.parametrize("basis", BASES)
def test_a_team_added_after_the_day_does_not_appear_in_a_report_about_it(history, hr, basis):
    """New Ward is added under Finance today; Digital moves under it and Fay into it, from today."""
    ward = team_create(name="New Ward", code="NEWWARD", kind="team", parent=history["finance"], user=hr.user)
    team_move(team=history["digital"], parent=ward, user=hr.user)
    fay = StaffMember.objects.get(pk=history["fin"].pk)
    fay.team = ward
    fay.save(update_fields=["team"])
    staff_changes_record([fay])  # the roster moves Fay into the new team from today
    projection.refresh(staff_ids=[fay.pk])
    finance = Team.objects.get(pk=history["finance"].pk)

    past = organisation_report(finance, as_at=_day(), today=timezone.localdate(), basis=basis)
    named = {group.team.name for group in past.groups} | {team.team.name for team in past.worst_teams}
    assert "New Ward" not in named and "Digital" not in named
    rows = list(export_rows([finance], Moment.end_of(_day()), basis=basis))
    assert {row.team for row in rows} == {"Finance"} and "Fay Finance" in {row.name for row in rows}
    today = organisation_report(finance, today=timezone.localdate())
    assert "New Ward" in {group.team.name for group in today.groups}
    assert {row.team for row in export_rows([finance])} == {"Finance", "New Ward", "Digital"}
