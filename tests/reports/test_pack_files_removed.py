"""An evidence pack's files are copies of a team's records: the portal keeps them PORTAL_PACK_KEEP_DAYS (30) after the
pack was made, and `manage.py remove_old_packs` (nightly) removes them, leaving the pack's row. The pack's page says
until when while it is ready, and once removed says so and offers to ask for the same pack again; a download then is
refused. A pack whose making failed leaves no file behind."""

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from portal.reports import packs
from portal.reports.basis import AS_RECORDED
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests.reports.conftest import client_for
from tests.reports.test_packs import _download


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _stored(tmp_path) -> list[Path]:
    return sorted(path for path in (tmp_path / "private").rglob("*") if path.is_file())


def _made_days_ago(client, team, days: int, **data) -> EvidencePack:
    assert client.post(reverse("exports:pack_new"), {"team": team.pk, **data}).status_code == 302
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE
    EvidencePack.objects.filter(pk=pack.pk).update(finished_at=timezone.now() - datetime.timedelta(days=days))
    pack.refresh_from_db()
    return pack


def _remove_old_packs() -> str:
    out = StringIO()
    call_command("remove_old_packs", stdout=out)
    return out.getvalue()


def test_a_packs_files_are_removed_after_the_days_kept_and_it_can_be_asked_for_again(org, tmp_path):
    client = client_for(org["manager"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    old = _made_days_ago(client, org["digital"], 31, as_at=yesterday.isoformat(), basis=AS_RECORDED)
    recent = _made_days_ago(client, org["comms"], 29)
    page = client.get(reverse("exports:pack_detail", args=[recent.pk])).content.decode()
    kept_until = timezone.localtime(recent.finished_at + datetime.timedelta(days=30))
    assert f"keeps these files until {kept_until:%-d %B %Y}, 30 days after the pack was made" in page
    old_files = [Path(old.pdf.path), Path(old.csv.path)]
    assert len(_stored(tmp_path)) == 4

    assert _remove_old_packs() == "Removed the files of 1 evidence pack made more than 30 days ago.\n"
    assert _remove_old_packs() == "Removed the files of 0 evidence packs made more than 30 days ago.\n"
    assert not any(path.exists() for path in old_files) and len(_stored(tmp_path)) == 2
    old.refresh_from_db()
    assert (old.status, old.pdf.name, old.csv.name, old.csv_sha256 != "") == (EvidencePack.REMOVED, "", "", True)
    for kind in ("pdf", "csv"):
        assert client.get(reverse(f"exports:pack_{kind}", args=[old.pk])).status_code == 404
    _download(client, recent, tmp_path)  # the recent one is still there

    page = client.get(reverse("exports:pack_detail", args=[old.pk])).content.decode()
    assert "Files removed" in page and f"removed on {timezone.localdate():%-d %B %Y}" in page
    again = f"?team={org['digital'].pk}&amp;as_at={yesterday.isoformat()}&amp;basis={AS_RECORDED}"
    assert f'<a href="{reverse("exports:pack_new")}{again}">Ask for the pack again</a>' in page
    assert "it holds the same records as this one did" in page
    asked_again = client.get(reverse("exports:pack_new") + again.replace("&amp;", "&")).content.decode()
    assert f'value="{yesterday.day}"' in asked_again and 'value="as_recorded" aria-describedby' in asked_again


def test_the_days_kept_are_a_setting(org, settings, tmp_path):
    settings.PORTAL_PACK_KEEP_DAYS = 7
    client = client_for(org["manager"])
    _made_days_ago(client, org["digital"], 8)
    _made_days_ago(client, org["digital"], 6)
    assert _remove_old_packs() == "Removed the files of 1 evidence pack made more than 7 days ago.\n"
    assert len(_stored(tmp_path)) == 2


def test_a_pack_whose_making_failed_leaves_no_file(org, hr, tasks_held, monkeypatch, tmp_path):
    """The spreadsheet is written before the PDF is joined: a failure in between kept it on disk, named nowhere."""
    assert client_for(hr).post(reverse("exports:pack_new"), {"team": org["comms"].pk}).status_code == 302
    pack = EvidencePack.objects.get()

    def full_disk(parts, out):
        raise OSError("No space left on device")

    monkeypatch.setattr(packs, "pdf_join", full_disk)
    with pytest.raises(OSError, match="No space left"):
        evidence_pack_build_task.call(pack.pk)
    pack.refresh_from_db()
    assert pack.status == EvidencePack.FAILED and _stored(tmp_path) == []


def test_files_that_cannot_be_removed_are_tried_again_next_night(org, monkeypatch, tmp_path):
    client = client_for(org["manager"])
    first, second = (_made_days_ago(client, org["digital"], days) for days in (40, 35))
    real_delete = FileSystemStorage.delete

    def refused_for_the_second(storage, name):
        if name == second.pdf.name:
            raise PermissionError(13, "Permission denied", name)
        real_delete(storage, name)

    monkeypatch.setattr(FileSystemStorage, "delete", refused_for_the_second)
    with pytest.raises(CommandError) as refusal:
        _remove_old_packs()
    assert "Removing old evidence pack files failed" in str(refusal.value)
    assert "Permission denied" in str(refusal.value) and "run it again to remove the rest" in str(refusal.value)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (EvidencePack.REMOVED, EvidencePack.DONE)
    assert second.pdf.name and Path(second.pdf.path).exists()

    monkeypatch.setattr(FileSystemStorage, "delete", real_delete)
    assert _remove_old_packs() == "Removed the files of 1 evidence pack made more than 30 days ago.\n"
    assert _stored(tmp_path) == []
