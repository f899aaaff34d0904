"""A staff list HR cannot apply says so in the page's title, as every refused form's does: "Error: " first (WCAG 2.4.2
Page Titled, 3.3.1 Error Identification). The dry run of a file with rejected lines, or with a problem in the file
itself, kept its ordinary title, so someone who hears the title first (a screen reader on a new page, a tab's name)
was not told that the file had been refused."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.models import ImportBatch
from tests.people.conftest import row


def _dry_run(hr_client, data: str) -> tuple[str, str]:
    """The dry run page of `data` uploaded as staff.csv, and its title."""
    hr_client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("staff.csv", data.encode())})
    page = hr_client.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content.decode()
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip(), page


@pytest.mark.parametrize(
    "problem",
    [
        pytest.param(lambda teams: row("1001", "Ann", "Able", teams["comms"], start="yesterday"), id="rejected line"),
        pytest.param(lambda teams: row("1001", "Ann", "Able", teams["comms"], manager="9999"), id="unknown manager"),
    ],
)
def test_a_staff_list_that_cannot_be_applied_is_titled_error(hr_client, roster_csv, teams, problem):
    title, page = _dry_run(hr_client, roster_csv(problem(teams)))
    assert "This roster cannot be applied yet" in page
    assert title.startswith("Error: Roster: staff.csv")


def test_a_staff_list_that_can_be_applied_keeps_its_title(hr_client, roster_csv, teams):
    title, page = _dry_run(hr_client, roster_csv(row("1001", "Ann", "Able", teams["comms"])))
    assert "Apply this roster" in page
    assert title.startswith("Roster: staff.csv")
