"""A pack made again ("Make the pack again", once its first making has shown no sign of life for a while) while the
first making was in fact still going: each making is numbered on the pack's row (`EvidencePack.making`), and a
making overtaken by a later one deletes its own files and writes nothing to the row. Before, whichever making
finished last saved its files over the other's, whose files were left on disk, named nowhere; a making overtaken
before the later one had started marked the pack ready with its own files, so the later one never ran."""

import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.reports import packs
from portal.reports.basis import AS_RECORDED
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests.reports.conftest import client_for
from tests.reports.pack_doors import pack_downloaded
from tests.reports.test_team_history_packs import _day, history

__all__ = ["history"]  # the fixture: the organisation as recorded 500 days ago


@pytest.fixture
def storage(settings, tmp_path) -> Path:
    """The packs' storage, the test's own: every file a making leaves is under it."""
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}
    settings.PORTAL_RECEIPT_DIR = str(tmp_path / "receipts")
    return tmp_path / "private"


def _files(storage: Path) -> set[str]:
    return {path.relative_to(storage).as_posix() for path in storage.rglob("*") if path.is_file()}


def _asked_for(client, team) -> EvidencePack:
    asked = {"team": team.pk, "as_at": _day().isoformat(), "basis": AS_RECORDED}
    assert client.post(reverse("exports:pack_new"), asked).status_code == 302
    return EvidencePack.objects.latest("pk")


def _made_again_while_going(client, pack, monkeypatch, then=None) -> None:
    """Run the pack's first making as the worker does; as it publishes its receipt (its files nearly made), its
    silence has passed for stalled and its requester presses "Make the pack again"; `then` runs next, in the middle
    of the first making."""
    real = packs.receipt_publish
    pressed = []

    def publish(**kwargs):
        if not pressed:
            pressed.append(True)
            quiet_since = timezone.now() - datetime.timedelta(hours=1)
            EvidencePack.objects.filter(pk=pack.pk).update(progress_at=quiet_since)
            assert client.post(reverse("exports:pack_again", args=[pack.pk])).status_code == 302
            if then:
                then()
        return real(**kwargs)

    monkeypatch.setattr(packs, "receipt_publish", publish)
    evidence_pack_build_task.call(pack.pk)
    assert pressed


def test_a_first_making_finishing_after_the_second_leaves_the_second_s_pack(
    history, hr, storage, tasks_held, monkeypatch, tmp_path, capsys
):
    client = client_for(hr)
    pack = _asked_for(client, history["comms"])
    second = {}

    def second_making():
        evidence_pack_build_task.call(pack.pk)  # the second making, done while the first is still going
        second["row"] = EvidencePack.objects.get(pk=pack.pk)
        assert second["row"].status == EvidencePack.DONE and second["row"].making == 2

    _made_again_while_going(client, pack, monkeypatch, then=second_making)
    pack.refresh_from_db()
    made = second["row"]
    assert (pack.status, pack.making) == (EvidencePack.DONE, 2)
    assert (pack.pdf.name, pack.csv.name, pack.pdf_sha256) == (made.pdf.name, made.csv.name, made.pdf_sha256)
    assert _files(storage) == {pack.pdf.name, pack.csv.name}  # the first making's files went with it

    pdf, twin = pack_downloaded(client, pack, tmp_path)
    call_command("verify_pack", str(pdf), str(twin))
    assert f"The PDF is pack #{pack.pk} as it was made" in capsys.readouterr().out


def test_a_first_making_finishing_before_the_second_starts_leaves_the_pack_to_it(
    history, hr, storage, tasks_held, monkeypatch, tmp_path, capsys
):
    client = client_for(hr)
    pack = _asked_for(client, history["comms"])
    _made_again_while_going(client, pack, monkeypatch)
    pack.refresh_from_db()
    assert (pack.status, pack.making, pack.pdf.name, pack.csv.name) == (EvidencePack.QUEUED, 2, "", "")
    assert _files(storage) == set()  # the first making, overtaken, kept nothing

    evidence_pack_build_task.call(pack.pk)  # the second making, as the worker reaches it
    pack.refresh_from_db()
    assert (pack.status, pack.making) == (EvidencePack.DONE, 2)
    assert _files(storage) == {pack.pdf.name, pack.csv.name}
    pdf, twin = pack_downloaded(client, pack, tmp_path)
    call_command("verify_pack", str(pdf), str(twin))
    assert f"The PDF is pack #{pack.pk} as it was made" in capsys.readouterr().out
