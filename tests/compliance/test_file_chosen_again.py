"""A file chosen for a certificate or a staff list comes back empty when another box on the page is wrong: a browser
never fills a file box in again, and the portal keeps no upload until its form is right. The box used to come back
empty with nothing said (WCAG 3.3.7 Redundant Entry); it now names the file chosen and asks for it again, in the box's
hint, which is read out with it. Nothing is said when the file itself was refused, or when none was chosen."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.models import Certificate, ImportBatch
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance.test_certificates import PDF

HOSTILE = "<img src=x onerror=alert(1)>"  # a file name may hold anything a path may
CHOOSE_AGAIN = "Choose the file again: it is not kept while something else on the page needs changing"
TOO_LONG_SHEET = "S" * 32  # Excel's longest sheet name is 31 characters


@pytest.fixture
def certificate_client(client, person):
    staff = factories.make_staff(user=person)
    requirement = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    factories.sign_in(client, person)

    def post(file, day="31"):
        data = {
            "requirement": requirement.pk,
            "completed_on_day": day,
            "completed_on_month": "2",
            "completed_on_year": "2026",
        }
        return client.post(reverse("certificates:upload"), {**data, **({"file": file} if file else {})})

    return post


@pytest.fixture
def import_client(hr_client):
    def post(file, sheet=TOO_LONG_SHEET):
        data = {"sheet": sheet, **({"file": file} if file else {})}
        return hr_client.post(reverse("imports:upload", args=["roster"]), data)

    return post


def _file_box(html: str) -> str:
    return re.search(r'<input[^>]*type="file"[^>]*>', html).group(0)


@pytest.mark.parametrize(
    ("door", "extension", "data", "other_box_error"),
    [
        ("certificate_client", ".pdf", PDF, "The date you completed the course must be a real date"),
        ("import_client", ".csv", b"Employee Number\r\n", "A sheet name is at most 31 characters"),
    ],
)
def test_the_file_chosen_is_named_when_another_box_is_wrong(db, request, door, extension, data, other_box_error):
    post = request.getfixturevalue(door)
    response = post(SimpleUploadedFile(HOSTILE + extension, data))
    html = response.content.decode()
    assert response.status_code == 200 and other_box_error in html
    assert f"You chose &lt;img src=x onerror=alert(1)&gt;{extension}. {CHOOSE_AGAIN}" in html and HOSTILE not in html
    chosen_id = re.search(r'<[^>]*id="([^"]*)"[^>]*>\s*You chose', html).group(1)
    assert chosen_id in re.search(r'aria-describedby="([^"]*)"', _file_box(html)).group(1).split()
    assert not Certificate.objects.exists() and not ImportBatch.objects.exists()


def test_nothing_is_said_when_the_file_itself_was_refused(import_client):
    html = import_client(SimpleUploadedFile("staff.pdf", b"%PDF-1.4")).content.decode()
    assert "must be a CSV or Excel (.xlsx) file" in html and "A sheet name is at most 31 characters" in html
    assert "You chose" not in html and CHOOSE_AGAIN not in html


def test_nothing_is_said_when_no_file_was_chosen(certificate_client):
    html = certificate_client(None).content.decode()
    assert "Select the certificate file" in html and "must be a real date" in html
    assert "You chose" not in html and CHOOSE_AGAIN not in html
