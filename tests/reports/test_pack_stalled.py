"""An evidence pack whose task worker stopped part way (restarted, killed, or never running) is not shown "Being
made" for ever: once it has shown no sign of life for PORTAL_STALLED_MINUTES its page says it has stopped and how
far it got, and "Make the pack again" makes it from the same records up to the same cut-off, once however often it
is pressed, audited; the pack then reads back and verifies. A failed pack gets the same button. Only the person who
asked may press it."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.reports import packs
from portal.reports.models import EvidencePack
from portal.reports.tasks import evidence_pack_build_task
from tests.reports.conftest import client_for
from tests.reports.test_packs import _download, _pdf_text


class WorkerKilled(BaseException):
    """What a worker's death looks like from inside the task: not an Exception, so nothing records a failure."""


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _packs_asked(backend) -> int:
    return sum(result.task.name == evidence_pack_build_task.name for result in backend.results)


def _asked_for(client, team) -> EvidencePack:
    assert client.post(reverse("exports:pack_new"), {"team": team.pk}).status_code == 302
    return EvidencePack.objects.latest("pk")


def _killed_after_one_person(monkeypatch, pack) -> EvidencePack:
    """Run the pack's task as the worker does, the worker dying after the first person."""
    real = packs.pack_people

    def dying(*args, **kwargs):
        for n, person in enumerate(real(*args, **kwargs)):
            if n == 1:
                raise WorkerKilled
            yield person

    monkeypatch.setattr(packs, "pack_people", dying)
    monkeypatch.setattr(packs, "PROGRESS_EVERY", 1)
    with pytest.raises(WorkerKilled):
        evidence_pack_build_task.call(pack.pk)
    monkeypatch.setattr(packs, "pack_people", real)
    pack.refresh_from_db()
    assert (pack.status, pack.people_done, pack.people_total) == (EvidencePack.RUNNING, 1, 3)  # at most 3
    return pack


def _minutes_pass(pack, minutes: int) -> None:
    EvidencePack.objects.filter(pk=pack.pk).update(progress_at=timezone.now() - datetime.timedelta(minutes=minutes))
    pack.refresh_from_db()


def test_a_pack_whose_worker_died_is_made_again_once_and_verifies(org, hr, tasks_held, monkeypatch, tmp_path, capsys):
    client = client_for(hr)
    pack = _killed_after_one_person(monkeypatch, _asked_for(client, org["comms"]))
    detail, status = (reverse(name, args=[pack.pk]) for name in ("exports:pack_detail", "exports:pack_status"))
    again = reverse("exports:pack_again", args=[pack.pk])

    _minutes_pass(pack, 29)  # not yet: a worker may still be on it
    page = client.get(detail).content.decode()
    assert "Being made" in page and "has stopped" not in page and "Make the pack again" not in page
    assert client.get(status).json()["status"] == "running"
    refused = client.post(again, follow=True).content.decode()
    assert "already being made again, or is ready" in refused and _packs_asked(tasks_held) == 1

    _minutes_pass(pack, 31)
    assert client.get(status).json()["status"] == "stalled"  # the page's script reloads to show the button
    page = client.get(detail).content.decode()
    assert "Making this pack has stopped" in page and "It got to 1 of 3 people" in page
    assert "Make the pack again" in page and "pack-progress.js" not in page

    client.post(again)
    client.post(again)  # a second tab
    assert _packs_asked(tasks_held) == 2
    pack.refresh_from_db()
    assert (pack.status, pack.people_done) == (EvidencePack.QUEUED, 0) and not pack.stalled
    event = AuditEvent.objects.get(action=AuditEvent.EXPORT, detail__again__isnull=False)
    assert event.actor == hr.user and event.detail["again"] == "it had stopped" and event.scope == "Communications"

    evidence_pack_build_task.call(pack.pk)
    evidence_pack_build_task.call(pack.pk)  # the lost task found after all: it makes nothing twice
    pack.refresh_from_db()
    assert pack.status == EvidencePack.DONE and pack.people_total == 2
    pdf, twin = _download(client, pack, tmp_path)
    assert "Sam Digital" in _pdf_text(pdf) and "Grace Manager" in _pdf_text(pdf)
    call_command("verify_pack", str(pdf), str(twin))
    assert "The pack matches the records." in capsys.readouterr().out


def test_a_pack_that_never_started_says_the_worker_may_not_be_running(org, hr, tasks_held):
    client = client_for(hr)
    pack = _asked_for(client, org["comms"])
    _minutes_pass(pack, 45)
    page = client.get(reverse("exports:pack_detail", args=[pack.pk])).content.decode()
    assert "It was waiting to start" in page and "check that its task worker is running" in page
    client.post(reverse("exports:pack_again", args=[pack.pk]))
    assert _packs_asked(tasks_held) == 2


def test_a_failed_pack_can_be_made_again_by_whoever_asked_and_nobody_else(org, hr, tasks_held):
    manager = client_for(org["manager"])
    pack = _asked_for(manager, org["digital"])
    EvidencePack.objects.filter(pk=pack.pk).update(status=EvidencePack.FAILED, error="The disk was full")
    assert "Make the pack again" in manager.get(reverse("exports:pack_detail", args=[pack.pk])).content.decode()
    again = reverse("exports:pack_again", args=[pack.pk])
    for outsider in (client_for(hr), client_for(org["sam"]), client_for(org["other"])):
        assert outsider.post(again).status_code == 404
    assert manager.get(again).status_code == 405
    assert EvidencePack.objects.get(pk=pack.pk).status == EvidencePack.FAILED and _packs_asked(tasks_held) == 1

    manager.post(again)
    assert EvidencePack.objects.get(pk=pack.pk).status == EvidencePack.QUEUED and _packs_asked(tasks_held) == 2
    assert AuditEvent.objects.get(detail__again__isnull=False).detail["again"] == "it had failed"
    evidence_pack_build_task.call(pack.pk)
    assert EvidencePack.objects.get(pk=pack.pk).status == EvidencePack.DONE


def test_a_live_worker_keeps_its_pack_each_few_people_a_sign_of_life(org, hr, tasks_held, monkeypatch):
    pack = _asked_for(client_for(hr), org["comms"])
    real, seen = packs.pack_people, []

    def slow(*args, **kwargs):
        for person in real(*args, **kwargs):
            _minutes_pass(pack, 60)  # an hour on this person: the progress written after them is a sign of life
            yield person
            seen.append(EvidencePack.objects.get(pk=pack.pk).stalled)

    monkeypatch.setattr(packs, "pack_people", slow)
    monkeypatch.setattr(packs, "PROGRESS_EVERY", 1)
    evidence_pack_build_task.call(pack.pk)
    assert seen == [False, False] and EvidencePack.objects.get(pk=pack.pk).status == EvidencePack.DONE
