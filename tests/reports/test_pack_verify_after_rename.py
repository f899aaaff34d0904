"""A team renamed after a pack was made (HR's organisation pages, audited with the name and code before and after)
does not make `verify_pack` call the pack false: the rebuilt spreadsheet shows each team by the name it had at the
pack's cut-off, the pack's own team is found by the code it had then, and the output says which teams were renamed
since. A spreadsheet changed by hand is still refused."""

import pytest
from django.core.management import CommandError, call_command

from portal.compliance.organisation import team_rename
from tests.reports.conftest import client_for
from tests.reports.test_packs import _download, _make_pack


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _verify(pdf, twin, capsys) -> str:
    call_command("verify_pack", str(pdf), str(twin))
    return capsys.readouterr().out


def test_a_pack_verifies_after_its_teams_are_renamed(org, hr, tmp_path, capsys):
    client = client_for(hr)
    pdf, twin = _download(client, _make_pack(client, org["comms"]), tmp_path)
    assert b",Digital," in twin.read_bytes()
    team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    old_code = org["comms"].code
    team_rename(team=org["comms"], name="Communications and Engagement", code="COMMS2", user=hr.user)

    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out
    assert f"Team code {old_code} is now COMMS2 (Communications and Engagement)" in out
    assert (
        "Teams renamed since its cut-off are shown by the names they had at the cut-off: Communications (now "
        "Communications and Engagement), Digital (now Digital Services)." in out
    )


def test_a_team_given_the_old_code_since_is_not_taken_for_the_packs(org, hr, tmp_path, capsys):
    client = client_for(hr)
    pdf, twin = _download(client, _make_pack(client, org["digital"]), tmp_path)
    old_code = org["digital"].code
    team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    team_rename(team=org["finance"], name="Finance", code=old_code, user=hr.user)
    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out and "Fay Finance" not in out


def test_a_hand_edited_spreadsheet_is_still_refused_after_a_rename(org, hr, tmp_path, capsys):
    client = client_for(hr)
    pdf, twin = _download(client, _make_pack(client, org["comms"]), tmp_path)
    team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    twin.write_bytes(twin.read_bytes().replace(b",Digital,", b",Digital Services,"))
    with pytest.raises(CommandError, match="does not match"):
        call_command("verify_pack", str(pdf), str(twin))
    assert "SHA-256 differs" in capsys.readouterr().out
