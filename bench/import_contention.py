"""How long a quiz submission waits while a 100,000-row completions file applies through the task worker.

    createdb -h 127.0.0.1 -U postgres bench_contention
    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_contention \
        ../.venv/bin/python import_contention.py
    cd bench && DATABASE_URL=sqlite:////tmp/bench_contention.sqlite3 ../.venv/bin/python import_contention.py

Use an empty database. The script creates 10,000 staff and a 100,000-row file (as bench/completions_import.py does),
uploads it, asks for it to be applied as the page does (a task in the database queue), and starts `manage.py
db_worker` to run it. Meanwhile it records a completion for one person after another through
`compliance.services.evidence_record` (the call a quiz submission or attestation makes, taking the ledger's lock),
timing each, until the import is done. Then it checks the chain and prints the waits.
"""

import datetime
import os
import random
import statistics
import subprocess
import sys
import time

from _setup import ROOT, django_setup

STAFF = int(os.environ.get("BENCH_STAFF", 10_000))
ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
COURSES = [f"NHS|CSTF|Course {c} - Level 1 - 3 Years|" for c in range(10)]


def build_trust():
    from portal.compliance.models import CompetenceMapping, Requirement
    from portal.people.models import Assignment, StaffMember, Team

    if StaffMember.objects.exists():
        raise SystemExit("Use an empty database: this benchmark creates its own staff.")
    team = Team.add_root(code="ORG", name="Bench Trust", kind="organisation")
    StaffMember.objects.bulk_create(
        [
            StaffMember(
                employee_number=str(40_000_000 + n),
                first_name="F",
                last_name=f"S{n}",
                work_email=f"p{n}@bench.nhs.uk",
                team=team,
                start_date=datetime.date(2015, 1, 1),
            )
            for n in range(STAFF)
        ],
        batch_size=2000,
    )
    Assignment.objects.bulk_create(
        [Assignment(staff_id=pk, number=num) for pk, num in StaffMember.objects.values_list("pk", "employee_number")],
        batch_size=2000,
    )
    for name in COURSES:
        requirement = Requirement.objects.create(name=name, kind=Requirement.EXTERNAL_COURSE, renewal_months=36)
        CompetenceMapping.objects.create(competence_name=name, requirement=requirement)
    quiz = Requirement.objects.create(name="Bench module quiz", kind=Requirement.COMPLETE_MODULE, renewal_months=12)
    rng = random.Random(11)
    lines, seen = ["Person,Competence Name,Achievement Date,Expiry Date"], set()
    while len(lines) <= ROWS:
        n, course, days = rng.randrange(STAFF), rng.randrange(10), rng.randrange(1, 1500)
        if (n, course, days) in seen:
            continue
        seen.add((n, course, days))
        done = datetime.date(2026, 11, 1) - datetime.timedelta(days=days)
        lines.append(f'"{40_000_000 + n}|S{n}, F","{COURSES[course]}",{done:%d-%b-%Y},No Expiry')
    return ("\r\n".join(lines) + "\r\n").encode(), quiz


def main():
    django_setup()
    from django.db import connection
    from django.utils import timezone

    from portal.compliance import ledger
    from portal.compliance.imports.completions import CHUNK_SECONDS
    from portal.compliance.imports.services import import_batch_apply, import_batch_create
    from portal.compliance.models import EvidenceEntry, ImportBatch
    from portal.compliance.services import evidence_record
    from portal.people.models import StaffMember

    data, quiz = build_trust()
    started = time.perf_counter()
    batch, plan = import_batch_create(kind="completions", data=data, filename="bench.csv", user=None)
    dry_run = time.perf_counter() - started
    assert plan.can_apply, plan.rejected[:5]
    staff = list(StaffMember.objects.order_by("pk")[:2000])
    import_batch_apply(batch=batch, user=None, via="bench/import_contention.py")  # enqueued, as the page does
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings.dev")},
    )
    waits, n, started = [], 0, time.perf_counter()
    status = ImportBatch.QUEUED
    while status in {ImportBatch.QUEUED, ImportBatch.RUNNING}:
        person = staff[n % len(staff)]
        began = time.perf_counter()
        evidence_record(
            staff=person,
            requirement=quiz,
            source=EvidenceEntry.MODULE,
            source_ref=f"bench submission {n}",
            idempotency_key=f"bench-submission:{n}",
            completed_at=timezone.now(),
        )
        if status == ImportBatch.RUNNING:
            waits.append(time.perf_counter() - began)
            if waits[-1] > 0.3:
                print(f"  a wait of {waits[-1]:.2f}s, {time.perf_counter() - started:.1f}s into the apply")
        n += 1
        time.sleep(0.02)  # a steady trickle of submissions, as from staff on the wards
        status = ImportBatch.objects.filter(pk=batch.pk).values_list("status", flat=True).get()
    applied = time.perf_counter() - started
    worker.wait(timeout=120)
    batch.refresh_from_db()
    chain = ledger.verify_chain()
    waits.sort()
    print(f"database: {connection.vendor}; rows: {plan.rows}; recorded: {batch.rows_done}")
    print(f"chunks aimed at {CHUNK_SECONDS * 1000:.0f} ms each")
    print(f"dry run (in the request): {dry_run:.1f}s; apply in the task worker: {applied:.1f}s; status: {batch.status}")
    print(
        f"submissions during the apply: {len(waits)}; wait p50 {statistics.median(waits) * 1000:.0f} ms, "
        f"p95 {waits[int(len(waits) * 0.95)] * 1000:.0f} ms, p99 {waits[int(len(waits) * 0.99)] * 1000:.0f} ms, "
        f"longest {waits[-1] * 1000:.0f} ms; over 1 s: {sum(w > 1 for w in waits)}"
    )
    print(f"chain: {'intact' if chain.intact else chain.problem} ({chain.checked} entries)")


if __name__ == "__main__":
    main()
