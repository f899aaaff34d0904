"""A requirement's terms are read as they stood on the day a report is about (`compliance.RequirementChange`), not as
they are today: HR moves "Finance Controls" from Finance to Communications today, and an export or an evidence pack
as at a day before lists it for Finance's people and not for Sam in Digital, on both clocks; as at today the other
way round. A pack made before the change still passes verify_pack after it. HR shortening the renewal period, or
lengthening the new-starter window, today leaves the expiry and due dates of an earlier day as they were. The app
role cannot rewrite the history."""

import csv
import datetime
import io
import subprocess

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.dates import add_months
from portal.compliance.models import Requirement, RequirementChange, StatusInterval
from portal.compliance.services import requirement_save
from portal.people.models import AppendOnly, StaffChange, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made

CSV = reverse("exports:csv")


def _day():
    # before the change
    return timezone.localdate() - datetime.timedelta(days=40)


BASES = [AS_IT_WAS, AS_RECORDED]
CONTROLS = "Finance Controls"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


def _roster_long_ago():
    with as_owner():  # the roster's history is never changed: only the owner may backdate it
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))


@pytest.fixture
def controls(org, hr):
    """Finance Controls, set for Finance (and below) long ago; the roster loaded long ago."""
    requirement = factories.make_requirement(name=CONTROLS, applies_to_everyone=False)
    requirement.teams.set([org["finance"]])
    projection.refresh()
    _roster_long_ago()
    return requirement


def _to_communications(requirement, org, hr):
    """HR sets the requirement for Communications instead, today, as HR's page and the CMS do."""
    requirement = Requirement.objects.get(pk=requirement.pk)
    requirement_save(requirement=requirement, user=hr.user, teams=[Team.objects.get(pk=org["comms"].pk)])


def _rows(content: bytes) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    start = next(i for i, row in enumerate(rows) if row[:2] == ["Employee number", "Name"])
    return [dict(zip(rows[start], row, strict=False)) for row in rows[start + 1 :]]


def _export(client, day, basis, team) -> list[dict[str, str]]:
    response = client.get(CSV, {"as_at": day.isoformat(), "basis": basis, "team": team.pk})
    assert response.status_code == 200
    return _rows(b"".join(response.streaming_content))


def _who(rows, requirement=CONTROLS) -> set[str]:
    return {row["Name"] for row in rows if row["Requirement"] == requirement}


@pytest.mark.parametrize("basis", BASES)
def test_an_export_as_at_a_day_before_the_change_lists_the_old_audience(controls, org, hr, basis):
    _to_communications(controls, org, hr)
    client = client_for(hr)
    root = Team.objects.get(depth=1)
    past = _who(_export(client, _day(), basis, root))
    assert {"Fay Finance", "Hana Human-Resources"} <= past and "Sam Digital" not in past
    today = _who(_export(client, timezone.localdate(), basis, root))
    assert {"Sam Digital", "Grace Manager"} <= today and "Fay Finance" not in today


def test_the_runs_in_effective_time_change_on_the_day_of_the_change(controls, org, hr):
    _to_communications(controls, org, hr)
    fay = StatusInterval.objects.filter(requirement=controls, staff=org["fin"]).order_by("valid_from")
    assert fay.exists() and fay.last().valid_to == timezone.localdate()
    sam = StatusInterval.objects.filter(requirement=controls, staff=org["sam"]).order_by("valid_from")
    assert sam.first().valid_from == timezone.localdate()


def test_the_history_keeps_the_terms_before_and_after(controls, org, hr):
    _to_communications(controls, org, hr)
    before, after = RequirementChange.objects.filter(requirement=controls).order_by("pk")
    assert (before.effective_on, before.team_ids) == (None, [org["finance"].pk])
    assert (after.effective_on, after.team_ids) == (timezone.localdate(), [org["comms"].pk])
    with pytest.raises(AppendOnly):
        RequirementChange.objects.filter(pk=before.pk).update(team_ids=[])
    with pytest.raises(AppendOnly):
        before.delete()


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _verified(pdf, twin, capsys) -> bool:
    call_command("verify_pack", str(pdf), str(twin))
    return "The pack matches the records." in capsys.readouterr().out


@pytest.mark.parametrize("basis", BASES)
def test_a_pack_as_at_a_day_before_the_change_holds_the_old_audience(controls, org, hr, tmp_path, capsys, basis):
    _to_communications(controls, org, hr)
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, org["finance"], _day(), basis), tmp_path)
    assert CONTROLS in _pdf_text(pdf) and "Fay Finance" in _who(_rows(twin.read_bytes()))
    assert _verified(pdf, twin, capsys)
    pdf, twin = pack_downloaded(client, pack_made(client, org["digital"], _day(), basis), tmp_path)
    assert CONTROLS not in _pdf_text(pdf)

    pdf, twin = pack_downloaded(client, pack_made(client, org["digital"], timezone.localdate(), basis), tmp_path)
    assert CONTROLS in _pdf_text(pdf) and "Sam Digital" in _who(_rows(twin.read_bytes()))


@pytest.mark.parametrize("basis", BASES)
def test_a_pack_made_before_the_change_still_matches_the_records(controls, org, hr, tmp_path, capsys, basis):
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, org["finance"], _day(), basis), tmp_path)
    assert "Fay Finance" in _who(_rows(twin.read_bytes()))
    _to_communications(controls, org, hr)
    assert _verified(pdf, twin, capsys)


def test_a_requirement_added_after_a_pack_leaves_its_rebuild_unchanged(org, hr, tmp_path, capsys):
    """Added through HR's page with an introduction long ago: a pack as recorded made before it did not hold it, and
    its rebuild does not either."""
    _roster_long_ago()
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, org["finance"], _day(), AS_RECORDED), tmp_path)
    added = Requirement(name=CONTROLS, kind=Requirement.EXTERNAL_COURSE, introduced_on=datetime.date(2000, 1, 1))
    requirement_save(requirement=added, user=hr.user)
    assert _verified(pdf, twin, capsys)


@pytest.mark.parametrize("basis", BASES)
def test_a_longer_new_starter_window_leaves_the_due_dates_of_an_earlier_day(org, hr, basis):
    """Introduced ten days before the day read, for everyone already in post: due 28 days from its introduction;
    HR gives 90 days today, and an export as at the day still says 28."""
    requirement = factories.make_requirement(name=CONTROLS, introduced_on=_day() - datetime.timedelta(days=10))
    projection.refresh()
    _roster_long_ago()
    requirement = Requirement.objects.get(pk=requirement.pk)
    requirement.new_starter_days = 90
    requirement_save(requirement=requirement, user=hr.user)
    client = client_for(hr)
    fay = [row for row in _export(client, _day(), basis, org["finance"]) if row["Name"] == "Fay Finance"]
    assert [row["Due on"] for row in fay if row["Requirement"] == CONTROLS] == [_shown(_day() + datetime.timedelta(18))]
    fay = [row for row in _export(client, timezone.localdate(), basis, org["finance"]) if row["Name"] == "Fay Finance"]
    assert [row["Due on"] for row in fay if row["Requirement"] == CONTROLS] == [_shown(_day() + datetime.timedelta(80))]


def _shown(day: datetime.date) -> str:
    return day.isoformat()


def test_a_shorter_renewal_period_leaves_the_expiry_of_an_earlier_day(controls, org, hr, tmp_path, capsys):
    """Fay completed it 200 days before the day read, valid 12 months; HR makes it 6 today. As it was on the day, her
    completion was valid for 12 months (the pack and the export say so), and a pack made before still matches."""
    done = timezone.make_aware(datetime.datetime.combine(_day() - datetime.timedelta(days=200), datetime.time(12)))
    factories.make_completion(org["fin"], controls, completed_at=done)
    client = client_for(hr)
    before_pdf, before_twin = pack_downloaded(client, pack_made(client, org["finance"], _day(), AS_IT_WAS), tmp_path)
    requirement = Requirement.objects.get(pk=controls.pk)
    requirement.renewal_months = 6
    requirement_save(requirement=requirement, user=hr.user)

    def expiry(rows):
        return {row["Expires on"] for row in rows if row["Name"] == "Fay Finance" and row["Requirement"] == CONTROLS}

    twelve, six = add_months(done.date(), 12).isoformat(), add_months(done.date(), 6).isoformat()
    assert expiry(_export(client, _day(), AS_IT_WAS, org["finance"])) == {twelve}
    assert expiry(_export(client, timezone.localdate(), AS_IT_WAS, org["finance"])) == {six}
    pdf, twin = pack_downloaded(client, pack_made(client, org["finance"], _day(), AS_IT_WAS), tmp_path)
    assert expiry(_rows(twin.read_bytes())) == {twelve}
    assert _verified(pdf, twin, capsys)
    assert _verified(before_pdf, before_twin, capsys)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="database roles exist only on PostgreSQL")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE compliance_requirementchange SET team_ids = '[]'",
        "UPDATE compliance_requirementchange SET recorded_at = recorded_at - interval '1 year'",
        "DELETE FROM compliance_requirementchange",
    ],
)
def test_the_app_role_cannot_rewrite_a_requirements_history(controls, org, hr, sql):
    _to_communications(controls, org, hr)
    before = list(RequirementChange.objects.values_list("pk", "recorded_at", "team_ids"))
    with pytest.raises(DatabaseError, match="permission denied"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert list(RequirementChange.objects.values_list("pk", "recorded_at", "team_ids")) == before
    assert len(before) == 2


def _backdate_history(requirement, row: RequirementChange, days: int) -> None:
    """Move one history row, and the retirement it records, `days` back: as if HR had made that change then. Only
    the owner may (the app role may not rewrite the history); the model refuses, so plain SQL."""
    table = RequirementChange._meta.db_table
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET recorded_at = %s, effective_on = %s, retired_on = %s WHERE id = %s",  # noqa: S608
            [
                row.recorded_at - datetime.timedelta(days=days),
                row.effective_on - datetime.timedelta(days=days),
                row.retired_on - datetime.timedelta(days=days) if row.retired_on else None,
                row.pk,
            ],
        )


@pytest.mark.parametrize("basis", BASES)
def test_a_requirement_reinstated_keeps_the_days_it_was_retired(controls, org, hr, basis):
    """Retired twenty days ago and put back in use today: reinstating clears its retirement day, but its history
    keeps it, so a report about a day in between leaves it out, and one about a day before or today counts it."""
    from portal.compliance.services import requirement_reinstate, requirement_retire

    requirement_retire(requirement=Requirement.objects.get(pk=controls.pk), user=hr.user, reason="Replaced")
    retired = RequirementChange.objects.filter(requirement=controls).latest("pk")
    assert retired.retired_on == timezone.localdate() and not retired.active
    _backdate_history(controls, retired, 20)
    requirement_reinstate(requirement=Requirement.objects.get(pk=controls.pk), user=hr.user)
    projection.refresh()  # the runs as the backdated history gives them
    client = client_for(hr)
    assert "Fay Finance" not in _who(
        _export(client, timezone.localdate() - datetime.timedelta(days=10), basis, org["finance"])
    )
    assert "Fay Finance" in _who(
        _export(client, timezone.localdate() - datetime.timedelta(days=30), basis, org["finance"])
    )
    assert "Fay Finance" in _who(_export(client, timezone.localdate(), basis, org["finance"]))
