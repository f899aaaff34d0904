"""The organisation file's batch page shows the dry run kept when the file was planned, as the roster's does (4c5099b),
and does not read the file again each time it is opened. The apply still plans the file against the team tree as it
is then and, asked for from the page, changes only what the page showed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.imports.services import CHANGED_SINCE, NOT_THIS_DRY_RUN
from portal.compliance.models import ImportBatch
from portal.people import organisation_import
from portal.people.models import Team
from tests.compliance.test_completions_dry_run_kept import (
    _apply,
    _dry_run_of,
    _page,
    _uploaded_before_dry_runs_were_kept,
    reads_counted,
)
from tests.people.roster_doors import private_files  # noqa: F401

HEADER = "Organisation Code,Organisation Name,Parent Organisation Code"


def _file(teams: int, *, under: str = "RX1") -> bytes:
    rows = [f"W{n},Ward {n},{under}" for n in range(teams)]
    return ("\r\n".join([HEADER, "RX1,Example Trust,", *rows]) + "\r\n").encode()


def _upload(client, data: bytes) -> ImportBatch:
    response = client.post(
        reverse("imports:upload", args=["organisation"]), {"file": SimpleUploadedFile("o.csv", data)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("pk")


@pytest.fixture
def trust(db):
    return Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)


@pytest.fixture
def files_read(monkeypatch):
    """How many times an organisation file is read (planned), from here on."""
    return reads_counted(monkeypatch, organisation_import, "read_table")


def test_opening_the_page_does_not_read_the_file_again(hr_client, trust, files_read):
    batch = _upload(hr_client, _file(3))

    for _ in range(3):
        page = _page(hr_client, batch)
        assert "3 to add" in page and "Ward 2" in page and "Apply these changes to the teams" in page

    assert len(files_read) == 1


@pytest.mark.parametrize("teams", [2, 250])
def test_the_page_runs_the_same_queries_whatever_the_file(hr_client, trust, teams, django_assert_num_queries):
    batch = _upload(hr_client, _file(teams))

    with django_assert_num_queries(4):  # session, user, HR check, the batch
        page = _page(hr_client, batch)
    assert f"{teams} to add" in page and "1 unchanged" in page
    assert ("And 50 more." in page) is (teams == 250)


def test_applying_from_the_page_changes_what_it_showed(hr_client, trust):
    batch = _upload(hr_client, _file(2))

    _apply(hr_client, batch, _page(hr_client, batch))

    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert sorted(Team.objects.values_list("code", flat=True)) == ["RX1", "W0", "W1"]


def test_a_tree_changed_since_the_dry_run_stops_the_apply_and_the_page_shows_it_as_it_is(hr_client, trust):
    batch = _upload(hr_client, _file(2))
    page = _page(hr_client, batch)
    # Meanwhile someone adds one of the wards on the organisation page, under the trust as the file has it
    Team.objects.get(pk=trust.pk).add_child(code="W0", name="Ward 0", kind=Team.TEAM)

    page = _apply(hr_client, batch, page).content.decode()

    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.FAILED, CHANGED_SINCE)
    assert not Team.objects.filter(code="W1").exists()
    assert "Applying this file failed" in page and "1 to add" in page and "2 unchanged" in page
    _apply(hr_client, batch, page)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error


def test_a_form_naming_another_files_dry_run_is_refused_and_the_file_stays_ready_to_apply(hr_client, trust):
    other = _upload(hr_client, _file(1))
    batch = _upload(hr_client, _file(2))

    page = _apply(hr_client, batch, _page(hr_client, other)).content.decode()

    assert "Not applied: the form does not match this file&#x27;s dry run" in page
    assert NOT_THIS_DRY_RUN.startswith("Not applied: the form does not match this file's dry run")
    batch.refresh_from_db()
    assert (batch.status, batch.error) == (ImportBatch.PLANNED, "")
    assert Team.objects.count() == 1


def test_a_file_uploaded_before_dry_runs_were_kept_opens_as_it_did_and_applies(hr_client, trust, files_read):
    batch = _upload(hr_client, _file(2))
    kept = _page(hr_client, batch)
    _uploaded_before_dry_runs_were_kept(batch)

    page = _page(hr_client, batch)

    assert _dry_run_of(page) == _dry_run_of(kept) and "2 to add" in page
    assert len(files_read) == 2
    hr_client.post(reverse("imports:apply", args=[batch.pk]), {})  # a form from before: it names no dry run
    batch.refresh_from_db()
    assert batch.status == ImportBatch.DONE, batch.error
    assert Team.objects.count() == 3
