"""Time opening an import's batch page (the dry run HR reads before applying) for a completions file.

    DATABASE_URL=sqlite:////tmp/bench_batch_page.sqlite3 .venv/bin/python bench/import_batch_page.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_batch_page .venv/bin/python bench/import_batch_page.py

Use an empty database: the script builds bench/import_contention.py's trust (10,000 staff, BENCH_STAFF, and 10 mapped
courses, with bulk inserts) and a file of 20,000 of its completion rows (BENCH_ROWS), uploads it as an HR officer,
then opens the batch page five times (BENCH_OPENINGS) through Django's test client and prints each opening's seconds
and queries, with the min and median.
"""

import os
import statistics
import tempfile
import time

import import_contention
from _setup import django_setup, scratch_files

ROWS = int(os.environ.get("BENCH_ROWS", 20_000))
OPENINGS = int(os.environ.get("BENCH_OPENINGS", 5))


def main():
    scratch_files(tempfile.mkdtemp(prefix="bench_batch_page_"))
    django_setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from portal.compliance.imports.services import import_batch_create
    from portal.people.roles import hr_group
    from tests import factories

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    import_contention.ROWS = ROWS  # its trust and file: 10,000 staff (BENCH_STAFF), 10 mapped courses
    data, _ = import_contention.build_trust()
    hr = factories.with_mfa(factories.make_user(email="hr@bench.nhs.uk"))
    hr.groups.add(hr_group())
    began = time.perf_counter()
    batch, _ = import_batch_create(kind="completions", data=data, filename="bench.csv", user=hr)
    took = time.perf_counter() - began
    print(f"{connection.vendor}: {ROWS:,} rows for {import_contention.STAFF:,} staff; upload (dry run) {took:.2f} s")
    client = Client()
    factories.sign_in(client, hr)
    url = reverse("imports:batch", args=[batch.pk])
    seconds = []
    for _ in range(OPENINGS):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - began)
        assert response.status_code == 200, response.status_code
        print(f"  batch page: {seconds[-1]:.3f} s, {len(queries)} queries, {len(response.content):,} bytes")
    print(f"  min / median: {min(seconds):.3f} / {statistics.median(seconds):.3f} s; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
