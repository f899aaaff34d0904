"""An apply of a roster from its page applies what the page showed, or nothing, saying why. Two ways round the
fingerprint of the dry run shown (4c5099b): a form that names no dry run applied the file as it planned then,
whatever the page had shown; and the fingerprint left out who returns (whose closed account opens again), which a
new day changes with nothing else, so a page of one evening applied after midnight did not do what it listed."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from portal.compliance.imports.services import CHANGED_SINCE, NOT_THIS_DRY_RUN
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember
from portal.people.roles import HR_GROUP
from tests import factories
from tests.compliance.test_roster_dry_run_kept import _dry_run_shown, _file, _person, _upload
from tests.people.roster_doors import private_files  # noqa: F401

HEADER = "Employee Number,First Name,Last Name,Work Email,Job Title,Organisation Code,Start Date,Termination Date"


@pytest.fixture
def team(db):
    return factories.make_team("Wards")


def test_a_form_naming_no_dry_run_applies_only_what_the_page_shows(hr_client, team):
    sister = _person(team, 0, job_title="Staff Nurse")  # as the file has her: the page shows no change to her
    batch = _upload(hr_client, _file(team, 2))
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "1 to add" in page and "0 to change" in page
    # Meanwhile another door promotes her: applying the file now would take it back, which the page never showed
    StaffMember.objects.filter(pk=sister.pk).update(job_title="Ward Sister")

    hr_client.post(reverse("imports:apply", args=[batch.pk]), {})

    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.FAILED, CHANGED_SINCE)
    assert StaffMember.objects.get(pk=sister.pk).job_title == "Ward Sister"
    assert StaffMember.objects.count() == 1


def test_a_form_naming_no_dry_run_applies_when_the_records_are_as_the_page_shows(hr_client, team):
    batch = _upload(hr_client, _file(team, 2))

    hr_client.post(reverse("imports:apply", args=[batch.pk]), {})

    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert StaffMember.objects.count() == 2


def _at(monkeypatch, moment: str) -> None:
    """The portal's clock, from here on, at `moment` in London."""
    then = timezone.make_aware(datetime.datetime.fromisoformat(moment))
    monkeypatch.setattr(timezone, "now", lambda: then)


@pytest.fixture
def evening(monkeypatch):
    """Ten to midnight on 6 December 2026, before HR signs in."""
    _at(monkeypatch, "2026-12-06 23:50:00")


def test_a_returner_shown_one_evening_is_not_applied_after_midnight_as_someone_else(
    evening, hr_client, team, monkeypatch
):
    # Her leave date was the 5th and her account closed; the file corrects it to the 6th, her real last day
    nurse = _person(team, 0, job_title="Staff Nurse", leave_date=datetime.date(2026, 12, 5))
    nurse.user.is_active = False
    nurse.user.save(update_fields=["is_active"])
    row = f"5000,Person,P0,p0@example.nhs.uk,Staff Nurse,{team.code},01/04/2020,06/12/2026"
    response = hr_client.post(
        reverse("imports:upload", args=["roster"]),
        {"file": SimpleUploadedFile("r.csv", f"{HEADER}\r\n{row}\r\n".encode())},
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Returning" in page and "5000 Person P0" in page  # her account opens again, the page says

    _at(monkeypatch, "2026-12-07 00:05:00")  # on the 7th she has left: her account would stay closed
    factories.sign_in(hr_client, get_user_model().objects.get(groups__name=HR_GROUP))  # a new day
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.FAILED, CHANGED_SINCE)
    assert StaffMember.objects.get(pk=nurse.pk).leave_date == datetime.date(2026, 12, 5)  # nothing changed
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "Returning" not in page  # the dry run as it is now
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    nurse.refresh_from_db()
    assert nurse.leave_date == datetime.date(2026, 12, 6) and not nurse.user.is_active


def test_the_same_file_uploaded_twice_and_applied_from_both_pages_applies_once(hr_client, team):
    first, second = _upload(hr_client, _file(team, 2)), _upload(hr_client, _file(team, 2))
    pages = [hr_client.get(reverse("imports:batch", args=[b.pk])).content.decode() for b in (first, second)]
    assert all("2 to add" in page for page in pages)

    for batch, page in zip((first, second), pages, strict=True):
        hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ImportBatch.DONE, first.error
    assert (second.status, second.error) == (ImportBatch.FAILED, CHANGED_SINCE)
    assert StaffMember.objects.count() == 2
    assert "0 to add" in hr_client.get(reverse("imports:batch", args=[second.pk])).content.decode()


def test_a_dry_run_of_another_batch_is_refused_saying_so_and_the_batch_stays_ready_to_apply(hr_client, team):
    other = _upload(hr_client, _file(team, 1, title="Porter"))
    batch = _upload(hr_client, _file(team, 2))
    other_page = hr_client.get(reverse("imports:batch", args=[other.pk])).content.decode()

    page = hr_client.post(
        reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(other_page)}, follow=True
    ).content.decode()

    # Nothing about the records changed: the form was wrong, and says so; the file waits to be applied from its page
    assert escape(NOT_THIS_DRY_RUN) in page and "Applying this file failed" not in page
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.PLANNED, "")
    assert not StaffMember.objects.exists()
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert StaffMember.objects.count() == 2
