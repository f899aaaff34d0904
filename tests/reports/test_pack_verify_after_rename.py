"""A team renamed after a pack was made (HR's organisation pages, audited with the name and code before and after)
does not make `verify_pack` call the pack false: the rebuilt spreadsheet shows each team by the name it had when the
pack was made (its receipt's time), the pack's own team is found by the code it had then, and the output says which
teams were renamed since. A team renamed between asking for a pack and its making is shown in the rows by the name it
had at the pack's cut-off (the tree's history as recorded before it, as every other fact the pack reads). A
spreadsheet changed by hand is still refused."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import get_resolver, reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance.organisation import team_rename
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests.reports.conftest import client_for
from tests.reports.test_packs import _download, _make_pack, _pdf_text


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _a_minute_later():
    """Renames a minute after the pack was made (its receipt's time is to the second)."""
    assert get_resolver().url_patterns  # the URLconf built before freezegun runs
    return freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True)


def _verify(pdf, twin, capsys) -> str:
    call_command("verify_pack", str(pdf), str(twin))
    return capsys.readouterr().out


def test_a_pack_verifies_after_its_teams_are_renamed(org, hr, tmp_path, capsys):
    client = client_for(hr)
    pdf, twin = _download(client, _make_pack(client, org["comms"]), tmp_path)
    assert b",Digital," in twin.read_bytes()
    old_code = org["comms"].code
    with _a_minute_later():
        team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
        team_rename(team=org["comms"], name="Communications and Engagement", code="COMMS2", user=hr.user)

    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out
    assert f"Team code {old_code} is now COMMS2 (Communications and Engagement)" in out
    assert (
        "Teams renamed since the pack was made are shown by the names they had then: Communications (now "
        "Communications and Engagement), Digital (now Digital Services)." in out
    )


def test_a_team_given_the_old_code_since_is_not_taken_for_the_packs(org, hr, tmp_path, capsys):
    client = client_for(hr)
    pdf, twin = _download(client, _make_pack(client, org["digital"]), tmp_path)
    old_code = org["digital"].code
    with _a_minute_later():
        team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
        team_rename(team=org["finance"], name="Finance", code=old_code, user=hr.user)
    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out and "Fay Finance" not in out


def test_a_hand_edited_spreadsheet_is_still_refused_after_a_rename(org, hr, tmp_path, capsys):
    client = client_for(hr)
    pdf, twin = _download(client, _make_pack(client, org["comms"]), tmp_path)
    with _a_minute_later():
        team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    twin.write_bytes(twin.read_bytes().replace(b",Digital,", b",Digital Services,"))
    with pytest.raises(CommandError, match="does not match"):
        call_command("verify_pack", str(pdf), str(twin))
    assert "SHA-256 differs" in capsys.readouterr().out


def test_a_team_renamed_between_asking_and_making_is_named_as_at_the_cutoff(org, hr, tasks_held, tmp_path, capsys):
    """The cover names the pack's team as it was at the cut-off (the moment of asking), as the rows name each team,
    with its name when the worker made it beside it, and says the day it is as at; the pack verifies."""
    client = client_for(hr)
    assert client.post(reverse("exports:pack_new"), {"team": org["comms"].pk}).status_code == 302
    pack = EvidencePack.objects.get()
    team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    team_rename(team=org["comms"], name="Communications and Engagement", code="COMMS2", user=hr.user)
    evidence_pack_build_task.call(pack.pk)
    pack.refresh_from_db()
    pdf, twin = _download(client, pack, tmp_path)
    cover = " ".join(_pdf_text(pdf, layout=False).split())
    assert "Communications (now called Communications and Engagement) and every team below it" in cover
    assert "code COMMS2" in cover
    assert f"As at The end of {pack.as_at:%A %-d %B %Y}" in cover
    assert b",Digital," in twin.read_bytes() and b"Digital Services" not in twin.read_bytes()
    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out
    assert "Communications (now Communications and Engagement), Digital (now Digital Services)." in out
