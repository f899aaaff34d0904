import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from portal.compliance.certificates import certificate_upload
from portal.compliance.models import Certificate, EvidenceEntry, RequirementStatus
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories


def _pdf() -> bytes:
    """A real (one blank page) PDF: the upload parses a PDF to look for scripts, so a bare header is refused."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF = _pdf()


def _png() -> bytes:
    """A real (small) PNG: the upload reads an image's header and checksums, so a bare signature is refused."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person)


@pytest.fixture
def course(staff):
    requirement = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    return requirement


@pytest.fixture
def hr(user_factory):
    user = user_factory(first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    return factories.with_mfa(user)


@pytest.fixture
def other_client():
    """A second browser: `client` and `person_client` are the same object."""
    return Client()


def upload(client, course, data, name="certificate.pdf", completed="2026-01-15"):
    """Posts the form as a browser would: the completion date (given as YYYY-MM-DD) typed into the day, month and
    year boxes."""
    year, month, day = completed.split("-")
    return client.post(
        reverse("certificates:upload"),
        {
            "requirement": course.pk,
            "completed_on_day": day,
            "completed_on_month": month,
            "completed_on_year": year,
            "file": SimpleUploadedFile(name, data),
        },
    )


def test_a_pdf_certificate_is_accepted_and_stored_outside_the_web_root(person_client, course):
    response = upload(person_client, course, PDF)
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.content_type == "application/pdf" and certificate.status == Certificate.PENDING
    stored = Path(certificate.file.path).resolve()
    assert not str(stored).startswith(str(Path(settings.MEDIA_ROOT).resolve()))
    assert not str(stored).startswith(str(Path(settings.STATIC_ROOT).resolve()))
    assert person_client.get(certificate.file.url).status_code == 404  # only the permission-checked view serves it


def test_a_file_name_that_reverses_its_own_text_is_kept_with_the_trick_visible(staff, course):
    # Django's upload parser already drops such characters from a browser's file name; the service does not rely on it.
    certificate = certificate_upload(
        staff=staff,
        requirement=course,
        data=PDF,
        filename="cert\u202efdp.exe",  # shows as "certexe.pdf" if kept as it is
        completed_on=datetime.date(2026, 1, 15),
        user=staff.user,
    )
    assert certificate.original_name == "cert\ufffdfdp.exe"


def test_the_type_comes_from_the_bytes_not_the_name(person_client, course):
    upload(person_client, course, PNG, name="looks-like.pdf")
    assert Certificate.objects.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 an executable", "certificate.pdf", "must be a PDF, PNG or JPEG"),
        (b"just some text", "notes.txt", "must be a PDF, PNG or JPEG"),
        (b"%PDF-" + b"x" * (5 * 1024 * 1024), "big.pdf", "smaller than 5 MB"),
    ],
    ids=["renamed-exe", "text", "too-big"],
)
def test_bad_uploads_are_refused_with_a_clear_message(person_client, course, data, name, message):
    response = upload(person_client, course, data, name=name)
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and message in html
    assert not Certificate.objects.exists()


def test_a_future_completion_date_is_refused(person_client, course):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    html = upload(person_client, course, PDF, completed=tomorrow).content.decode()
    assert "today or in the past" in html and not Certificate.objects.exists()


@pytest.mark.parametrize("completed", ["0001-01-01", "1989-12-31"])
def test_a_completion_date_before_1990_is_refused(person_client, course, completed):
    html = upload(person_client, course, PDF, completed=completed).content.decode()
    assert "must be on or after 1 January 1990" in html and not Certificate.objects.exists()


def test_the_file_is_served_to_the_person_and_hr_only(other_client, person_client, course, someone_else, hr):
    upload(person_client, course, PDF)
    url = reverse("certificates:file", args=[Certificate.objects.get().pk])
    response = person_client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    factories.sign_in(other_client, someone_else)
    assert other_client.get(url).status_code == 404
    factories.sign_in(other_client, hr)
    assert other_client.get(url).status_code == 200


def test_hr_approves_and_the_person_becomes_compliant(other_client, person_client, staff, course, hr):
    upload(person_client, course, PDF)
    certificate = Certificate.objects.get()
    factories.sign_in(other_client, hr)
    assert "Safeguarding Children Level 1" in other_client.get(reverse("certificates:queue")).content.decode()
    other_client.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.APPROVED and certificate.reviewed_by == hr
    entry = EvidenceEntry.objects.get(source=EvidenceEntry.CERTIFICATE)
    assert entry.recorded_by == hr and "verified by Dev Patel" in entry.source_ref
    assert RequirementStatus.objects.get(staff=staff, requirement=course).completed_on == datetime.date(2026, 1, 15)
    other_client.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "reject", "reason": "late"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.APPROVED  # decided once
    assert EvidenceEntry.objects.count() == 1


def test_hr_rejects_with_a_reason_the_person_sees(other_client, person_client, course, hr):
    upload(person_client, course, PDF)
    certificate = Certificate.objects.get()
    factories.sign_in(other_client, hr)
    other_client.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "reject", "reason": ""})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.PENDING  # a reason is required
    other_client.post(
        reverse("certificates:decide", args=[certificate.pk]), {"decision": "reject", "reason": "Wrong name"}
    )
    html = person_client.get(reverse("certificates:mine")).content.decode()
    assert "Rejected" in html and "Wrong name" in html
    assert not EvidenceEntry.objects.exists()


def test_the_queue_and_decisions_are_for_hr_only(other_client, person_client, course, someone_else):
    upload(person_client, course, PDF)
    certificate = Certificate.objects.get()
    assert person_client.get(reverse("certificates:queue")).status_code == 403
    assert (
        person_client.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"}).status_code
        == 403
    )
    other_client.logout()
    assert other_client.get(reverse("certificates:queue")).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.PENDING


def test_hr_cannot_verify_their_own_certificate(client, course, staff, person):
    person.groups.add(hr_group())
    factories.with_mfa(person)
    factories.sign_in(client, person)
    upload(client, course, PDF)
    certificate = Certificate.objects.get()
    client.post(reverse("certificates:decide", args=[certificate.pk]), {"decision": "approve"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.PENDING and not EvidenceEntry.objects.exists()


def test_the_queue_runs_a_constant_number_of_queries(
    other_client, person_client, course, hr, django_assert_num_queries
):
    for day in range(1, 6):  # five completions, each its own file: a copy of one would be refused
        upload(person_client, course, PDF + bytes([day]), completed=f"2026-01-{day:02d}")
    factories.sign_in(other_client, hr)
    # session, user, HR check, pending certificates (with staff, team, requirement); whether the session proved a
    # second factor is in its kept flags: no query for the authenticator
    with django_assert_num_queries(4):
        response = other_client.get(reverse("certificates:queue"))
    assert response.status_code == 200
    files = [reverse("certificates:file", args=[pk]) for pk in Certificate.objects.values_list("pk", flat=True)]
    assert len(files) == 5 and all(url in response.content.decode() for url in files)
