"""Taking an evidence pack away is audited each time, as an export is: asking for it is one line, and each download of
its PDF or its spreadsheet is another, naming the pack, so HR can tell who took which file and how often. A download
refused (someone else's pack, or one the requester may no longer see) takes nothing away and writes no such line."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.people.models import TeamManager
from portal.reports.models import EvidencePack
from tests.reports.conftest import client_for


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _downloads():
    return AuditEvent.objects.filter(action=AuditEvent.EXPORT, detail__pack_id__isnull=False).order_by("pk")


def test_each_download_of_a_pack_is_audited(org):
    manager = client_for(org["manager"])
    assert manager.post(reverse("exports:pack_new"), {"team": org["digital"].pk}).status_code == 302
    pack = EvidencePack.objects.get()
    for kind in ("pdf", "csv", "pdf"):
        response = manager.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        assert response.status_code == 200
        b"".join(response.streaming_content)
    lines = [(event.actor_id, event.scope, event.as_at, event.detail["format"]) for event in _downloads()]
    who, what, day = org["manager"].user_id, "Digital", pack.as_at
    assert lines == [
        (who, what, day, "pdf pack, downloaded"),
        (who, what, day, "pdf pack's spreadsheet, downloaded"),
        (who, what, day, "pdf pack, downloaded"),
    ]
    assert {event.detail["pack_id"] for event in _downloads()} == {pack.pk}
    assert all(event.detail["ip"] for event in _downloads())


def test_a_refused_download_is_not_audited_as_taken(org, hr):
    assert client_for(org["manager"]).post(reverse("exports:pack_new"), {"team": org["digital"].pk}).status_code == 302
    pack = EvidencePack.objects.get()
    for person in (org["other"], hr, org["sam"]):
        assert client_for(person).get(reverse("exports:pack_pdf", args=[pack.pk])).status_code in (403, 404)
    TeamManager.objects.filter(staff=org["manager"]).delete()
    assert client_for(org["manager"]).get(reverse("exports:pack_csv", args=[pack.pk])).status_code == 403
    assert not _downloads().exists()
