"""The import pages run a fixed number of queries, whatever the size of the file: pinned for each state of a batch
(waiting, applying, applied, failed) and for the dry run of each kind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.compliance.models import ImportBatch
from tests import factories
from tests.compliance.test_completions import ADULTS, esr
from tests.compliance.test_imports import _trust


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _upload(client, kind, data) -> str:
    return client.post(reverse("imports:upload", args=[kind]), {"file": SimpleUploadedFile("f.csv", data)})["Location"]


def test_a_completions_dry_run_page_runs_the_same_queries_for_two_rows_or_forty(hr_client):
    people, _ = _trust()
    rows = [f'"{p.employee_number}|X, Y","{ADULTS}",0{d}/06/2025,' for p in people for d in range(1, 3)]
    small = _upload(hr_client, "completions", esr(*rows))
    more = [factories.make_staff(employee_number=f"4000{n}") for n in range(20)]
    large = _upload(
        hr_client,
        "completions",
        esr(*rows, *(f'"{p.employee_number}|X, Y","{ADULTS}",0{d}/06/2025,' for p in more for d in range(1, 3))),
    )
    # session, user, HR check, batch, course mappings (the basis of the dry run kept on the batch, which is shown
    # without reading the file again: it was 11, planning it at each opening), the viewer's staff record (is it one
    # the file records, joined to their account since?); the second factor is kept in the session
    assert _count(hr_client, small) == _count(hr_client, large) == 6


def test_an_organisation_dry_run_page_runs_a_fixed_number_of_queries(hr_client):
    header = "Organisation Code,Organisation Name,Parent Organisation Code"
    few = _upload(hr_client, "organisation", f"{header}\r\nA,A,\r\nB,B,A\r\n".encode())
    lines = "".join(f"T{n},Team {n},A\r\n" for n in range(40))
    many = _upload(hr_client, "organisation", f"{header}\r\nA,A,\r\n{lines}".encode())
    # session, user, HR check, batch: its dry run is kept on it (it was 5, reading the teams to plan the file again);
    # the second factor is kept in the session
    assert _count(hr_client, few) == _count(hr_client, many) == 4


@pytest.mark.parametrize(
    ("status", "queries"),
    [
        # session, user, HR check, batch: no dry run (the second factor is kept in the session)
        (ImportBatch.QUEUED, 4),
        (ImportBatch.RUNNING, 4),
        (ImportBatch.DONE, 4),
    ],
)
def test_a_batch_page_waiting_applying_or_applied_runs_a_fixed_number_of_queries(hr_client, status, queries):
    batch = ImportBatch.objects.create(
        kind="completions", filename="c.csv", sha256="0" * 64, status=status, rows_done=40_000, rows_total=100_000
    )
    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    if status == ImportBatch.RUNNING:
        assert "Applying" in page and "40,000 of 100,000 rows (40%)" in page
    assert _count(hr_client, reverse("imports:batch", args=[batch.pk])) == queries


def test_the_imports_page_runs_a_fixed_number_of_queries(hr_client):
    for n in range(3):
        ImportBatch.objects.create(kind="roster", filename=f"r{n}.csv", sha256="0" * 64)
    # session, user, HR check, batches with their uploaders (the second factor is kept in the session)
    first = _count(hr_client, reverse("imports:index"))
    for n in range(10):
        ImportBatch.objects.create(kind="completions", filename=f"c{n}.csv", sha256="0" * 64)
    assert _count(hr_client, reverse("imports:index")) == first == 4
