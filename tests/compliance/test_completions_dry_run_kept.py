"""The completions batch page shows the dry run kept when the file was planned, as the roster's does (4c5099b), and
does not read the whole file again each time it is opened (a 20,000-row report: about a second of a web worker each
time). Mapping a course from the page has it planned again at once; a new day does too. The apply still plans the
file against the records as they are then and, asked for from the page, records only what the page showed."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from portal.compliance import completions
from portal.compliance.imports.services import CHANGED_SINCE, NOT_THIS_DRY_RUN
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_completions import ADULTS, esr
from tests.compliance.test_imports import _trust
from tests.people.roster_doors import private_files  # noqa: F401

UNMAPPED = "NHS|CSTF|Fire Safety - 1 Year|"


def reads_counted(monkeypatch, module, name: str) -> list:
    """A list that grows by one each time `module`'s reader `name` reads a file, from here on."""
    reads, read = [], getattr(module, name)

    def counted(*args, **kwargs):
        reads.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return reads


@pytest.fixture
def files_read(monkeypatch):
    """How many times a completions file is read (planned), from here on."""
    return reads_counted(monkeypatch, completions, "read_table")


def _rows(people, course=ADULTS, days=(1, 2)) -> list[str]:
    return [f'"{p.employee_number}|X, Y","{course}",0{d}/06/2025,' for p in people for d in days]


def _upload(client, data: bytes) -> ImportBatch:
    response = client.post(reverse("imports:upload", args=["completions"]), {"file": SimpleUploadedFile("c.csv", data)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


def _page(client, batch) -> str:
    return client.get(reverse("imports:batch", args=[batch.pk])).content.decode()


def _dry_run_of(page: str) -> str:
    """The page's dry run, from its heading, without the form's CSRF tokens (new for each page)."""
    shown = page[page.index("<h1>") : page.index("Upload another file")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", shown)


def _dry_run_shown(page: str) -> str:
    return re.search(r'name="dry_run" value="([0-9a-f]+)"', page).group(1)


def _apply(client, batch, page: str):
    return client.post(reverse("imports:apply", args=[batch.pk]), {"dry_run": _dry_run_shown(page)}, follow=True)


def test_opening_the_page_does_not_read_the_file_again(hr_client, files_read):
    people, _ = _trust()
    batch = _upload(hr_client, esr(*_rows(people)))
    assert len(files_read) == 1  # the upload's dry run

    for _ in range(3):
        page = _page(hr_client, batch)
        assert "6 to record" in page and "Record 6 completions" in page and "P2" in page

    assert len(files_read) == 1


@pytest.mark.parametrize("people", [2, 150])
def test_the_page_runs_the_same_queries_whatever_the_file(hr_client, people, django_assert_num_queries):
    known, _ = _trust()
    staff = [*known, *(factories.make_staff(employee_number=f"4{n:04d}") for n in range(people))]
    batch = _upload(hr_client, esr(*_rows(staff), *_rows(staff[:1], course=UNMAPPED)))
    rows = 2 * len(staff)

    # session, user, HR check, the batch; the course mappings (the kept dry run's basis); the viewer's staff record
    # (one the file records, joined to their account since the upload?); the requirements a course not yet mapped
    # may be mapped to
    with django_assert_num_queries(7):
        page = _page(hr_client, batch)
    assert f"{rows} to record" in page and "2 skipped: course not mapped" in page and UNMAPPED in page
    assert ("The first 200 of 306." in page) is (people == 150)


def test_a_course_mapped_from_the_page_is_planned_again_at_once(hr_client, files_read):
    people, _ = _trust()
    fire = factories.make_requirement(name="Fire Safety", renewal_months=12)
    batch = _upload(hr_client, esr(*_rows(people[:1]), *_rows(people[:1], course=UNMAPPED)))
    assert "2 to record" in _page(hr_client, batch)

    hr_client.post(reverse("imports:map", args=[batch.pk]), {"competence": UNMAPPED, "requirement": fire.pk})
    page = _page(hr_client, batch)
    assert "4 to record" in page and "0 skipped: course not mapped" in page
    assert len(files_read) == 2  # the upload, and once after the mapping: kept again
    _page(hr_client, batch)
    assert len(files_read) == 2


def test_a_dry_run_made_on_an_earlier_day_is_made_again(hr_client, files_read):
    people, _ = _trust()
    batch = _upload(hr_client, esr(*_rows(people)))
    batch.summary["dry_run"]["made_at"] = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)

    _page(hr_client, batch)
    _page(hr_client, batch)

    assert len(files_read) == 2
    batch.refresh_from_db()
    made = datetime.datetime.fromisoformat(batch.summary["dry_run"]["made_at"])
    assert timezone.localdate(made) == timezone.localdate()


def test_applying_from_the_page_records_what_it_showed(hr_client):
    people, _ = _trust()
    batch = _upload(hr_client, esr(*_rows(people)))

    _apply(hr_client, batch, _page(hr_client, batch))

    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).count() == 6


def test_completions_recorded_since_the_dry_run_stop_the_apply_and_the_page_shows_them_as_they_are(hr_client):
    people, _ = _trust()
    batch = _upload(hr_client, esr(*_rows(people)))
    page = _page(hr_client, batch)
    assert "6 to record" in page
    # Meanwhile another file records two of them
    other = _upload(hr_client, esr(*_rows(people[:1])))
    _apply(hr_client, other, _page(hr_client, other))

    page = _apply(hr_client, batch, page).content.decode()

    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.FAILED, CHANGED_SINCE)
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).count() == 2
    assert "Applying this file failed" in page and "4 to record" in page and "2 already recorded" in page
    _apply(hr_client, batch, page)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).count() == 6


def test_a_form_naming_another_files_dry_run_is_refused_and_the_file_stays_ready_to_apply(hr_client):
    people, _ = _trust()
    other = _upload(hr_client, esr(*_rows(people[:1])))
    batch = _upload(hr_client, esr(*_rows(people)))

    page = _apply(hr_client, batch, _page(hr_client, other)).content.decode()

    assert escape(NOT_THIS_DRY_RUN) in page and "Applying this file failed" not in page
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.PLANNED, "")
    assert not EvidenceEntry.objects.exists()
    _apply(hr_client, batch, page)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error


def test_a_page_shown_before_the_dry_run_was_made_again_is_this_files_and_out_of_date(hr_client):
    people, _ = _trust()
    batch = _upload(hr_client, esr(*_rows(people)))
    first = _page(hr_client, batch)
    other = _upload(hr_client, esr(*_rows(people[:1])))
    _apply(hr_client, other, _page(hr_client, other))
    _apply(hr_client, batch, first)  # fails, and keeps the dry run as it is now
    batch.refresh_from_db()
    assert batch.error == CHANGED_SINCE

    _apply(hr_client, batch, first)  # the first page again, from another tab: this file's, out of date

    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.FAILED, CHANGED_SINCE)
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).count() == 2


def test_a_viewer_whose_completion_the_file_records_has_it_refused_on_the_page(hr_client):
    people, _ = _trust()
    officer = people[0]
    officer.user.groups.add(hr_group())
    factories.with_mfa(officer.user)
    batch = _upload(hr_client, esr(*_rows(people)))
    assert "6 to record" in _page(hr_client, batch)  # the uploader's page: none of the rows are theirs

    page = _page(factories.sign_in(Client(), officer.user), batch)

    assert "4 to record" in page and "2 rejected rows" in page and "this is your own record" in page
    assert "Record 4 completions" not in page
    batch.refresh_from_db()
    assert batch.summary["dry_run"]["counts"]["to_record"] == 6  # theirs is not kept for anyone else


def _uploaded_before_dry_runs_were_kept(batch: ImportBatch) -> None:
    batch.summary.pop("dry_run")
    ImportBatch.objects.filter(pk=batch.pk).update(summary=batch.summary)


def test_a_file_uploaded_before_dry_runs_were_kept_opens_as_it_did_and_applies(hr_client, files_read):
    people, _ = _trust()
    batch = _upload(hr_client, esr(*_rows(people), *_rows(people[:1], course=UNMAPPED)))
    kept = _page(hr_client, batch)
    _uploaded_before_dry_runs_were_kept(batch)

    page = _page(hr_client, batch)

    assert _dry_run_of(page) == _dry_run_of(kept) and "6 to record" in page and "2 skipped: course not mapped" in page
    assert len(files_read) == 2  # planned once more, and kept
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {})  # a form from before: it names no dry run
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert EvidenceEntry.objects.filter(source_ref__startswith=f"import batch {batch.pk} ").count() == 6


def test_a_file_uploaded_before_dry_runs_were_kept_applies_from_a_page_of_then(hr_client):
    people, _ = _trust()
    batch = _upload(hr_client, esr(*_rows(people)))
    _uploaded_before_dry_runs_were_kept(batch)

    hr_client.post(reverse("imports:apply", args=[batch.pk]), {})  # its page not opened since

    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).count() == 6
