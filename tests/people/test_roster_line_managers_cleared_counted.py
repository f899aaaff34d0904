"""A staff list with a supervisor column that leaves it blank clears the line manager of each person it names so
(258e049). A partial extract run without supervisors, its column there but empty, would clear them all: the dry run
says how many line managers it clears, apart from the other changes, on the page (listed people stop at 200) and in
the summary the command prints, before anyone applies it. A file with no supervisor column clears none."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.models import ImportBatch
from portal.people.roles import hr_group
from tests import factories
from tests.people.roster_doors import command, private_files, upload  # noqa: F401

HEADER = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Start Date"


@pytest.fixture
def ward(db):
    """Ben manages Ann and Cy; Dee has no line manager."""
    team = factories.make_team("Ward 7")
    ben = factories.make_staff(team=team, employee_number="1002", first_name="Ben", last_name="Best")
    people = [ben] + [
        factories.make_staff(team=team, employee_number=number, first_name=first, last_name="Able", line_manager=ben)
        for number, first in (("1001", "Ann"), ("1003", "Cy"))
    ]
    people.append(factories.make_staff(team=team, employee_number="1004", first_name="Dee", last_name="Dunn"))
    return {"team": team, "people": people}


def _file(ward, supervisor_column: str | None) -> bytes:
    header = HEADER + (f",{supervisor_column}" if supervisor_column else "")
    extra = [""] if supervisor_column else []
    lines = [
        ",".join([s.employee_number, s.first_name, s.last_name, s.work_email, ward["team"].code, "06/01/2020", *extra])
        for s in ward["people"]
    ]
    return ("\r\n".join([header, *lines]) + "\r\n").encode()


def test_the_dry_run_counts_the_line_managers_a_blank_supervisor_clears(ward):
    _, plan = upload(_file(ward, "Supervisor Assignment Number"))

    assert plan.summary["line_managers_cleared"] == 2  # Ann's and Cy's; Dee had none, Ben none to clear


def test_a_file_without_a_supervisor_column_clears_none(ward):
    _, plan = upload(_file(ward, None))

    assert plan.summary["line_managers_cleared"] == 0


def test_the_page_says_how_many_line_managers_it_clears(client, ward):
    hr = factories.make_user()
    hr.groups.add(hr_group())
    hr_client = factories.sign_in(client, factories.with_mfa(hr))
    data = _file(ward, "Supervisor Employee Number")
    response = hr_client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 302

    page = hr_client.get(reverse("imports:batch", args=[ImportBatch.objects.latest("pk").pk])).content.decode()

    assert "2 line managers to clear" in page


def test_the_command_says_how_many_line_managers_it_clears(ward, tmp_path):
    out = command(_file(ward, "Supervisor Employee Number"), tmp_path)

    assert "line_managers_cleared: 2" in out
