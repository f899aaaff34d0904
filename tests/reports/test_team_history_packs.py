"""An evidence pack made before a team was renamed and moved still verifies afterwards: rebuilt at its cut-off, it
reads the team tree as recorded then (`people.team_history`), so the rows name each team as it was named and hold
the people the part of the organisation had, on both clocks; the output says which teams were renamed since. Made
again now, a pack as it was on a day before the move comes out the same."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from freezegun import freeze_time

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance import projection
from portal.compliance.organisation import team_move, team_rename
from portal.people.models import StaffChange, Team, TeamChange
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from tests.dbrole import as_owner
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded, pack_made

DAYS_AGO = 40  # the past day the packs are about, in days before the test runs


def _day(days_ago: int = DAYS_AGO) -> datetime.date:
    """The day `days_ago` days before the test runs, read then: read when the file was imported, a run going past
    midnight in London used yesterday's."""
    return timezone.localdate() - datetime.timedelta(days=days_ago)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")


@pytest.fixture
def history(org, hr):
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    return org


def _verify(pdf, twin, capsys) -> str:
    call_command("verify_pack", str(pdf), str(twin))  # raises CommandError when the pack does not match
    return capsys.readouterr().out


@pytest.mark.parametrize(("basis", "days_ago"), [(AS_IT_WAS, DAYS_AGO), (AS_RECORDED, DAYS_AGO), (AS_RECORDED, 0)])
def test_a_pack_verifies_after_its_teams_are_renamed_and_moved(history, hr, tmp_path, capsys, basis, days_ago):
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], _day(days_ago), basis), tmp_path)
    made = twin.read_bytes()
    assert b"Sam Digital" in made and b",Digital," in made

    with freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        team_rename(team=history["digital"], name="Digital Services", code="DIGI2", user=hr.user)
        team_rename(team=history["comms"], name="Communications and Engagement", code="COMMS2", user=hr.user)
        team_move(team=history["digital"], parent=Team.objects.get(pk=history["finance"].pk), user=hr.user)

    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out
    assert (
        "Teams renamed since the pack was made are shown by the names they had then: Communications (now "
        "Communications and Engagement), Digital (now Digital Services)." in out
    )
    if basis == AS_IT_WAS:
        assert "Made now, the pack would be the same" in out


def test_a_pack_made_after_a_move_about_a_day_before_it_holds_the_people_of_then(history, hr, tmp_path, capsys):
    client, day = client_for(hr), _day()
    team_move(team=history["digital"], parent=Team.objects.get(pk=history["finance"].pk), user=hr.user)
    for basis in (AS_IT_WAS, AS_RECORDED):
        comms = pack_downloaded(client, pack_made(client, history["comms"], day, basis), tmp_path)[1].read_bytes()
        finance = pack_downloaded(client, pack_made(client, history["finance"], day, basis), tmp_path)[1].read_bytes()
        assert b"Sam Digital" in comms and b"Sam Digital" not in finance, basis


def test_a_rename_from_before_the_tree_had_a_history_is_still_read_from_the_audit_log(history, hr, tmp_path, capsys):
    """A pack made, then its team renamed as the portal did before migration people 0007 (the team's row changed and
    the rename audited, no history row), then the upgrade's first rows (the name after the rename): verify_pack
    shows the team by its name when the pack was made, from the audit log, and the pack matches."""
    client = client_for(hr)
    pdf, twin = pack_downloaded(client, pack_made(client, history["comms"], _day(), AS_RECORDED), tmp_path)
    digital = Team.objects.get(pk=history["digital"].pk)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        digital.name = "Digital Services"
        digital.save(update_fields=["name"])
        audit_record(
            actor=hr.user,
            action=AuditEvent.TEAM_CHANGED,
            scope="Digital Services",
            team_id=digital.pk,
            change="renamed",
            before={"name": "Digital", "code": digital.code},
            after={"name": "Digital Services", "code": digital.code},
        )
    with freeze_time(timezone.now() + datetime.timedelta(minutes=2), tick=True):
        importlib.import_module("portal.people.migrations.0007_teamchange").backfill(
            apps, SimpleNamespace(connection=connection)
        )
    assert TeamChange.objects.get(team=digital).name == "Digital Services"

    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out
    assert "shown by the names they had then: Digital (now Digital Services)." in out
