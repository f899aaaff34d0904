"""A staff list as wide as ESR's Staff in Post report (50-60 columns, about 900 bytes a row as CSV) from a large
trust is taken by the import page. The page's limit was 5 MB, which such a report passes at about 6,000 assignments:
a trust of 10,000 people was told "The selected file must be smaller than 5 MB" for the file ESR gave it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from tests import factories
from tests.compliance.test_import_utf16 import private_files  # noqa: F401

HEADINGS = (
    "Employee Number,Assignment Number,Last Name,First Name,Work Email,Position Title,Staff Group,Organisation Code,"
    "Supervisor Assignment Number,Supervisor Full Name,Payscale,Hire Date,Termination Date,Assignment Category"
)
# Columns of ESR's report the import does not read (their names as ESR writes them, numbered past the first few).
NOT_READ = ["Date of Birth", "Gender", "FTE", "Contracted WTE", "Cost Centre", "Occupation Code", "Area of Work"] + [
    f"Org L{level}" for level in range(1, 9)
]
NOT_READ += [f"Additional Information {n}" for n in range(1, 31)]


def _staff_list(team, people: int) -> bytes:
    lines = [HEADINGS + "," + ",".join(NOT_READ)]
    for n in range(people):
        number = str(40_000_000 + n)
        unread = ",".join(f"Value {n} of column {column}" for column in range(len(NOT_READ)))
        lines.append(
            f"{number},{number}-1,Surname{n},Forename{n},person{n}@example.nhs.uk,Staff Nurse,"
            f'Nursing and Midwifery Registered,{team.code},,"Someone, Else",Band 5,01/04/2020,31/12/4712,'
            f"Permanent,{unread}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.django_db
def test_a_staff_list_as_wide_as_esrs_over_5_mb_is_planned_by_the_page(hr_client):
    team = factories.make_team("Wards")
    data = _staff_list(team, 7_000)
    assert 6 * 1024 * 1024 < len(data) < 30 * 1024 * 1024  # over the old limit, under the new

    response = hr_client.post(
        reverse("imports:upload", args=["roster"]),
        {"file": SimpleUploadedFile("Staff in Post.csv", data, content_type="text/csv")},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    batch = ImportBatch.objects.get()
    assert (batch.kind, batch.row_count) == (ImportBatch.ROSTER, 7_000)
    page = hr_client.get(response["Location"]).content.decode()
    assert "nothing has changed yet. 7000 rows read." in page
    assert "7000 to add" in page and "0 rejected rows" in page  # the unread columns left aside
    assert not StaffMember.objects.exists()  # a dry run: nothing written until it is applied


@pytest.mark.django_db
def test_a_file_over_30_mb_is_refused_by_the_page_naming_the_limit(hr_client):
    data = b"Employee Number,First Name\r\n" + b" " * (30 * 1024 * 1024)
    response = hr_client.post(
        reverse("imports:upload", args=["roster"]),
        {"file": SimpleUploadedFile("Staff in Post.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 200
    assert "The selected file must be smaller than 30 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()
