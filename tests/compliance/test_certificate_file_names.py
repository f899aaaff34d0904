"""A certificate upload's file name is text to show, never a path: whatever the browser or a caller of the service
sends (folders, "..", control characters, 300 characters), the file is stored under a name made from its SHA-256
inside the private store, the name kept is at most 255 characters with hidden characters shown as U+FFFD, and the
download is named by the certificate's number. Two files sent under the one field are refused, not one of them
picked."""

import datetime
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.certificates import certificate_upload
from portal.compliance.models import Certificate
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, PNG, upload

staff, course = test_certificates.staff, test_certificates.course


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../../../etc/cron.d/certificate.pdf", "../../../../etc/cron.d/certificate.pdf"),
        ("C:\\Users\\priya\\..\\..\\certificate.pdf", "C:\\Users\\priya\\..\\..\\certificate.pdf"),
        ("cert\x00ificate\x1b[31m\r\n.pdf", "cert\ufffdificate\ufffd[31m\ufffd\ufffd.pdf"),
        ("a" * 296 + ".pdf", "a" * 255),
    ],
    ids=["dot-dot-slash", "windows-path", "control-characters", "300-characters"],
)
def test_the_name_sent_is_only_shown_and_the_file_is_stored_by_its_hash(staff, course, name, kept):
    certificate = certificate_upload(
        staff=staff, requirement=course, data=PDF, filename=name, completed_on=datetime.date(2026, 1, 15), user=None
    )
    assert certificate.original_name == kept
    root = Path(storages["private"].location).resolve()
    stored = Path(certificate.file.path).resolve()
    assert stored.is_relative_to(root / "certificates") and stored.read_bytes() == PDF
    assert Path(certificate.file.name).name.startswith(certificate.sha256[:16])


def test_the_download_is_named_by_the_certificates_number_not_the_name_sent(person_client, course):
    upload(person_client, course, PDF, name='x".pdf; filename=evil.html')
    certificate = Certificate.objects.get()
    response = person_client.get(reverse("certificates:file", args=[certificate.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.pk}.pdf"'
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"


def test_a_browsers_path_and_a_long_name_are_cut_to_the_file_name(person_client, course):
    assert upload(person_client, course, PDF, name="../../" + "b" * 296 + ".pdf").status_code == 302
    name = Certificate.objects.get().original_name
    assert "/" not in name and ".." not in name and len(name) <= 255 and name.endswith(".pdf")


def test_two_files_at_once_are_refused_and_neither_is_stored(person_client, course):
    response = person_client.post(
        reverse("certificates:upload"),
        {
            "requirement": course.pk,
            "completed_on_day": "15",
            "completed_on_month": "1",
            "completed_on_year": "2026",
            "file": [SimpleUploadedFile("one.pdf", PDF), SimpleUploadedFile("two.png", PNG)],
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert html.count("Select one certificate file: upload each certificate on its own") == 2
    assert not Certificate.objects.exists()
