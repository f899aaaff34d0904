"""The roster's batch page shows the dry run kept when the file was planned, and does not plan the whole file again
each time it is opened (for a large trust's ESR report, 6-7 seconds and hundreds of megabytes of a web worker each
time). The apply still plans the file against the records as they are then, and, asked for from the page, applies
only if that plan is the one the page showed: otherwise nothing changes and the page shows the dry run as it is now."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from portal.compliance.imports.services import CHANGED_SINCE
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from portal.people.roster import dry_run
from tests import factories
from tests.compliance.test_completions_dry_run_kept import reads_counted
from tests.people.roster_doors import private_files  # noqa: F401

HEADER = "Employee Number,First Name,Last Name,Work Email,Job Title,Organisation Code,Start Date"


def _file(team, people: int, *, title="Staff Nurse") -> bytes:
    rows = [f"{5000 + n},Person,P{n},p{n}@example.nhs.uk,{title},{team.code},01/04/2020" for n in range(people)]
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


def _person(team, n: int, **fields) -> StaffMember:
    """Someone the file lists as its `n`th person, in the portal."""
    email = f"p{n}@example.nhs.uk"
    user = factories.make_user(email=email)
    return factories.make_staff(
        user=user,
        team=team,
        employee_number=str(5000 + n),
        first_name="Person",
        last_name=f"P{n}",
        start_date=datetime.date(2020, 4, 1),
        **fields,
    )


def _upload(client, data: bytes) -> ImportBatch:
    response = client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


@pytest.fixture
def files_read(monkeypatch):
    """How many times a roster file is read (planned), from here on."""
    return reads_counted(monkeypatch, dry_run, "read_table")


@pytest.fixture
def team(db):
    return factories.make_team("Wards")


def test_opening_the_page_does_not_plan_the_file_again(hr_client, team, files_read):
    batch = _upload(hr_client, _file(team, 3))
    assert len(files_read) == 1  # the upload's dry run

    for _ in range(3):
        page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
        assert "3 to add" in page and "Person P2" in page and "Apply this roster" in page

    assert len(files_read) == 1


@pytest.mark.parametrize("people", [10, 300])
def test_the_page_runs_the_same_queries_whatever_the_file(hr_client, team, people, django_assert_num_queries):
    batch = _upload(hr_client, _file(team, people))
    # Made since the upload: who must do what judges the requirements in use now, against the people counted then
    factories.make_requirement(name="Ward induction", applies_to_everyone=False).teams.add(team)

    # session, user, HR check, the batch; the requirements in use, their teams, the teams' paths (who must do what)
    with django_assert_num_queries(7):
        page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert f"{people} to add" in page
    assert "Ward induction" in page and f'numeric">{people}</td>' in page
    assert ("And 100 more." in page) is (people == 300)  # the first 200 listed, as before


def test_with_no_requirement_in_use_the_page_reads_one_query_for_who_must_do_what(
    hr_client, team, django_assert_num_queries
):
    batch = _upload(hr_client, _file(team, 300))

    # session, user, HR check, the batch, the requirements in use (none)
    with django_assert_num_queries(5):
        page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "300 to add" in page and "Who must do what" not in page


def test_a_dry_run_made_on_an_earlier_day_is_made_again(hr_client, team, files_read):
    batch = _upload(hr_client, _file(team, 2))
    yesterday = timezone.now() - datetime.timedelta(days=1)
    batch.summary["dry_run"]["made_at"] = yesterday.isoformat()
    ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)

    hr_client.get(reverse("imports:batch", args=[batch.pk]))
    hr_client.get(reverse("imports:batch", args=[batch.pk]))

    assert len(files_read) == 2  # once on upload, once on the new day: kept again
    batch.refresh_from_db()
    made = datetime.datetime.fromisoformat(batch.summary["dry_run"]["made_at"])
    assert timezone.localdate(made) == timezone.localdate()


def _dry_run_shown(page: str) -> str:
    return re.search(r'name="dry_run" value="([0-9a-f]+)"', page).group(1)


def test_applying_from_the_page_applies_what_it_showed(hr_client, team):
    batch = _upload(hr_client, _file(team, 2))
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()

    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})

    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert StaffMember.objects.count() == 2


def test_records_changed_since_the_dry_run_shown_stop_the_apply_and_the_page_shows_them_as_they_are(hr_client, team):
    nurse = _person(team, 0, job_title="Healthcare Assistant")
    batch = _upload(hr_client, _file(team, 2))
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "1 to add" in page and "Job title: Healthcare Assistant to Staff Nurse" in page
    # Meanwhile another import (or another door) makes the change, and adds the second person too
    StaffMember.objects.filter(pk=nurse.pk).update(job_title="Staff Nurse")
    _person(team, 1, job_title="Staff Nurse")

    page = hr_client.post(
        reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)}, follow=True
    ).content.decode()

    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.FAILED, CHANGED_SINCE)
    assert StaffMember.objects.get(pk=nurse.pk).job_title == "Staff Nurse"  # as the other door left it
    assert "Applying this file failed" in page and "0 to add" in page and "0 to change" in page
    assert "Apply this roster again" in page
    # Applied from the dry run shown now, it applies (nothing to do)
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error


def test_a_dry_run_that_is_not_one_is_refused_saying_so_and_changes_nothing(hr_client, team):
    batch = _upload(hr_client, _file(team, 1))

    page = hr_client.post(
        reverse("imports:apply", args=[batch.pk]), {"dry_run": "not\x00hex"}, follow=True
    ).content.decode()

    assert "Not applied: the form did not say which dry run it was applied from." in page
    batch.refresh_from_db()
    assert batch.status == ImportBatch.PLANNED and not StaffMember.objects.exists()


@pytest.mark.parametrize("url", [reverse_lazy("imports:index"), reverse_lazy("imports:upload", args=["roster"])])
def test_the_lists_of_recent_imports_do_not_read_the_dry_runs_kept(hr_client, team, url):
    rows = [f"{7000 + n},Person,P{n},p{n}@example.nhs.uk,Staff Nurse,NOPE,01/04/2020" for n in range(500)]
    batch = _upload(hr_client, ("\r\n".join([HEADER, *rows]) + "\r\n").encode())
    assert len(batch.summary["dry_run"]["errors"]) == 500  # every rejected row kept, for the page

    with CaptureQueriesContext(connection) as queries:
        page = hr_client.get(url).content.decode()

    assert "r.csv" in page
    assert not [query for query in queries if "summary" in query["sql"]]
