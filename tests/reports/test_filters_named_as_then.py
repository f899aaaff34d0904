"""An export or a pack narrowed to one requirement names it, in the CSV's first line, on the workbook's sheet about
it and on the pack's cover, as it was named on the day the file is about, on the file's clock: renamed in the CMS
since, it keeps its name then, and a pack filtered to it still verifies (its CSV twin is rebuilt byte for byte). The
audit line written as the file is made, and the pack's own page, name it as the file does. A live export names it as
it is now. A pack filtered to a staff group long enough to wrap in the manifest verifies too.
"""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.audit.models import AuditEvent
from portal.compliance.services import requirement_save
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.models import EvidencePack
from portal.reports.pack_verify import manifest_read
from tests import factories
from tests.reports.conftest import client_for
from tests.reports.test_packs import _download, _pdf_text

OLD, NEW = "Safeguarding Adults Level 1", "Safeguarding Adults (Level 1)"
# As long as a staff group may be (100 characters), so that it wraps in the manifest's cell: at its spaces, or
# inside a word too long for a line.
LONG_GROUP = "Additional Professional Scientific and Technical Staff for Community, Acute and Mental Health Trusts"
UNBROKEN_GROUP = "Staff " + ("Pneumonoultramicroscopicsilicovolcanoconiosis" * 3)[:94]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path / "private"), "base_url": None}


def _rename(requirement, name, user):
    requirement.refresh_from_db()
    requirement.name = name
    requirement_save(requirement=requirement, user=user)


def _pack(client, team, basis, as_at="", **filters) -> EvidencePack:
    data = {"team": team.pk, "as_at": as_at, "basis": basis, **filters}
    response = client.post(reverse("exports:pack_new"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE, pack.error
    return pack


def _first_line(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _verify(pdf, twin, capsys) -> str:
    call_command("verify_pack", str(pdf), str(twin))  # raises CommandError if anything differs
    return capsys.readouterr().out


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_a_pack_filtered_to_a_requirement_renamed_since_still_verifies(org, hr, tmp_path, capsys, basis):
    requirement = org["sam"].statuses.get().requirement
    client = client_for(hr)
    pdf, twin = _download(client, _pack(client, org["comms"], basis, requirement=requirement.pk), tmp_path)
    assert _first_line(twin.read_bytes()) == ["Filtered to", f"Requirement: {OLD}"]
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        _rename(requirement, NEW, hr.user)

    out = _verify(pdf, twin, capsys)
    assert "The pack matches the records." in out and "byte for byte the same" in out


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_a_pack_about_a_day_before_a_rename_names_the_requirement_as_it_was_named(org, hr, tmp_path, capsys, basis):
    requirement = org["sam"].statuses.get().requirement
    _rename(requirement, NEW, hr.user)
    client = client_for(hr)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    pack = _pack(client, org["comms"], basis, yesterday.isoformat(), requirement=requirement.pk)
    pdf, twin = _download(client, pack, tmp_path)

    assert _first_line(twin.read_bytes()) == ["Filtered to", f"Requirement: {OLD}"]
    cover = " ".join(_pdf_text(pdf, layout=False).split())
    assert f"Filtered to Requirement: {OLD}." in cover and NEW not in cover
    assert "The pack matches the records." in _verify(pdf, twin, capsys)


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_an_export_about_a_day_before_a_rename_names_the_requirement_as_it_was_named(org, hr, basis):
    requirement = org["sam"].statuses.get().requirement
    _rename(requirement, NEW, hr.user)
    client = client_for(hr)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    query = {"team": org["comms"].pk, "as_at": yesterday.isoformat(), "basis": basis, "requirement": requirement.pk}

    response = client.get(reverse("exports:csv"), query)
    assert response.status_code == 200
    assert _first_line(b"".join(response.streaming_content)) == ["Filtered to", f"Requirement: {OLD}"]
    response = client.get(reverse("exports:xlsx"), query)
    assert response.status_code == 200
    about = dict(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["About this export"].values)
    assert about["Only the rows of this requirement"] == OLD


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_the_audit_line_and_the_page_of_a_pack_name_the_requirement_as_the_pack_does(org, hr, basis):
    requirement = org["sam"].statuses.get().requirement
    _rename(requirement, NEW, hr.user)
    client = client_for(hr)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    pack = _pack(client, org["comms"], basis, yesterday.isoformat(), requirement=requirement.pk)

    asked = AuditEvent.objects.filter(action=AuditEvent.EXPORT, detail__format="pdf pack").get()
    assert asked.detail["requirement"] == OLD
    page = client.get(reverse("exports:pack_detail", args=[pack.pk])).content.decode()
    assert f"Requirement: {OLD}" in page and NEW not in page


def test_the_page_of_a_pack_renamed_since_names_the_requirement_as_the_pack_does(org, hr):
    requirement = org["sam"].statuses.get().requirement
    client = client_for(hr)
    pack = _pack(client, org["comms"], AS_IT_WAS, requirement=requirement.pk)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1), tick=True):
        _rename(requirement, NEW, hr.user)

    page = client.get(reverse("exports:pack_detail", args=[pack.pk])).content.decode()
    assert f"Requirement: {OLD}" in page and NEW not in page


@pytest.mark.parametrize("view", ["exports:csv", "exports:xlsx"])
@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_the_audit_line_of_an_export_about_a_day_before_a_rename_names_it_as_the_file_does(org, hr, basis, view):
    requirement = org["sam"].statuses.get().requirement
    _rename(requirement, NEW, hr.user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    query = {"team": org["comms"].pk, "as_at": yesterday.isoformat(), "basis": basis, "requirement": requirement.pk}

    response = client_for(hr).get(reverse(view), query)

    assert response.status_code == 200
    assert AuditEvent.objects.get(action=AuditEvent.EXPORT).detail["requirement"] == OLD


def test_a_live_export_names_the_requirement_as_it_is_named_now(org, hr):
    requirement = org["sam"].statuses.get().requirement
    _rename(requirement, NEW, hr.user)
    query = {"team": org["comms"].pk, "requirement": requirement.pk}
    response = client_for(hr).get(reverse("exports:csv"), query)
    assert response.status_code == 200
    assert _first_line(b"".join(response.streaming_content)) == ["Filtered to", f"Requirement: {NEW}"]
    assert AuditEvent.objects.get(action=AuditEvent.EXPORT).detail["requirement"] == NEW


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
@pytest.mark.parametrize("group", [LONG_GROUP, UNBROKEN_GROUP], ids=["spaces", "long-word"])
def test_a_pack_filtered_to_a_staff_group_that_wraps_in_the_manifest_verifies(org, hr, tmp_path, capsys, basis, group):
    assert len(group) == 100
    factories.make_staff(team=org["digital"], first_name="Wren", last_name="Scientist", staff_group=group)
    client = client_for(hr)
    pdf, twin = _download(client, _pack(client, org["comms"], basis, staff_group=group), tmp_path)
    assert b"Wren Scientist" in twin.read_bytes()
    assert group not in PdfReader(pdf).pages[-1].extract_text()  # the manifest's cell wrapped it over lines

    assert manifest_read(pdf)["staff_group"] == group
    assert "The pack matches the records." in _verify(pdf, twin, capsys)
