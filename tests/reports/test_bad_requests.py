"""Requests that used to get a server error: each now gets a clear answer, and nothing is written."""

import io

from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.compliance.models import Certificate, EvidenceEntry
from portal.people.models import Team
from tests import factories
from tests.reports.conftest import client_for


def test_a_verification_code_with_a_nul_is_not_found(db):
    anonymous = Client(raise_request_exception=False)
    for code in ("%00", "ABCD%00EFGH", "%E2%80%AE" * 4, "x" * 2000):
        response = anonymous.get(f"/verify/{code}/")
        assert response.status_code == 404 and b"certificate" in response.content.lower(), code


def test_an_xlsx_export_for_a_team_whose_name_excel_refuses_as_a_sheet_name(org, hr):
    team = Team.objects.get(pk=org["comms"].pk)
    team.name = "Comms/Engagement: [North] *Press* \\ Media? 'Digital' and more"
    team.save()
    response = client_for(hr).get(reverse("exports:xlsx"), {"team": team.pk})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    # 31 characters at most; then the sheet that says what the rows are
    assert workbook.sheetnames == ["Comms-Engagement- -North- -Pres", "About this export"]


def test_an_xlsx_export_keeps_a_name_with_control_characters_readable(org, hr):
    sam = org["sam"]
    sam.first_name = "Sam\x07\x1b"  # stored before the roster refused them
    sam.save()
    response = client_for(hr).get(reverse("exports:xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Sam\ufffd\ufffd Digital" in [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]


def test_rejecting_a_certificate_with_a_nul_in_the_reason_is_named_and_changes_nothing(org, hr, tmp_path, settings):
    settings.STORAGES = {**settings.STORAGES, "private": {**settings.STORAGES["private"]}}
    settings.STORAGES["private"]["OPTIONS"] = {"location": str(tmp_path), "base_url": None}
    certificate = Certificate(
        staff=org["sam"],
        requirement=factories.make_requirement(name="Fire safety"),
        original_name="c.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        completed_on=timezone.localdate(),
    )
    certificate.file.save("c.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client = client_for(hr)
    client.raise_request_exception = False
    url = reverse("certificates:decide", args=[certificate.pk])
    for reason in ("Blurred\x00", "\u202eBlurred", "Blurred\x1b[2J"):
        response = client.post(url, {"decision": "reject", "reason": reason})
        assert response.status_code == 302
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages[-1].endswith("The reason for rejecting the certificate contains the control character U+001B")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.PENDING and certificate.rejection_reason == ""
    client.post(url, {"decision": "reject", "reason": "Blurred:\r\nplease scan it again"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.REJECTED  # a reason may run over several lines
    assert not EvidenceEntry.objects.filter(requirement=certificate.requirement).exists()


def test_an_id_too_long_for_the_database_is_not_found(org, hr):
    client = client_for(hr)
    client.raise_request_exception = False
    for path in ("/attest/99999999999999999999/", "/hr/imports/99999999999999999999/"):
        assert client.get(path).status_code == 404, path
    assert client.post("/learn/modules/99999999999999999999/quiz/start/").status_code == 404
