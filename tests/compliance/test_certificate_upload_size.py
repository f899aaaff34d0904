"""A certificate over 5 MB is refused on the size the upload parser counted, before the file is read into memory:
the same message as before, and nothing stored."""

from io import BytesIO

from django.core.files.uploadedfile import InMemoryUploadedFile

from portal.compliance import views_certificates
from portal.compliance.certificates import MAX_BYTES
from portal.compliance.models import Certificate
from portal.compliance.views_certificates import UploadForm
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course = test_certificates.staff, test_certificates.course


class Unreadable(BytesIO):
    def read(self, *args):
        raise AssertionError("the file was read")


def test_the_form_refuses_a_file_over_5_mb_without_reading_it(staff, course):
    big = InMemoryUploadedFile(Unreadable(), "file", "big.pdf", "application/pdf", MAX_BYTES + 1, None)
    data = {"requirement": course.pk, "completed_on_day": "15", "completed_on_month": "1", "completed_on_year": "2026"}
    form = UploadForm(data, {"file": big}, staff=staff)
    assert not form.is_valid()
    assert form.errors["file"] == ["The selected file must be smaller than 5 MB"]


def test_an_upload_over_5_mb_never_reaches_the_service(person_client, course, monkeypatch):
    called = []
    monkeypatch.setattr(views_certificates, "certificate_upload", lambda **kwargs: called.append(kwargs))
    response = upload(person_client, course, PDF + b"x" * MAX_BYTES, name="big.pdf")
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "The selected file must be smaller than 5 MB" in html
    assert called == [] and not Certificate.objects.exists()


def test_a_file_of_exactly_5_mb_is_still_accepted(person_client, course):
    assert upload(person_client, course, PDF + b"x" * (MAX_BYTES - len(PDF))).status_code == 302
    assert Certificate.objects.get().size == MAX_BYTES
