"""Ledger appends a second with 1, 2, 4 and 8 writers, and how long one append waits while an import applies.

    createdb -h 127.0.0.1 -U postgres bench_ledger
    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ledger ../.venv/bin/python ledger.py

Use an empty database. Each writer is a process of its own with its own connection, recording completions for people
of its own through `compliance.services.evidence_record` (what a quiz submission or attestation calls: the person's
lock, the status refresh, then the chain's head) for BENCH_SECONDS. Then, while another process applies a
BENCH_IMPORT_ROWS-row completions import in chunks (as the task worker does), one writer times each of its appends.
The last line is `appends_per_s=N wait_during_import_ms=M`: N with 8 writers, M the longest wait during the import.
"""

import datetime
import multiprocessing
import os
import statistics
import time

from _setup import django_setup

STAFF = int(os.environ.get("BENCH_STAFF", 2_000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 10))
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 20_000))
WRITERS = (1, 2, 4, 8)
# Writers are forked from this process once Django is set up, each opening its own connection.
FORK = multiprocessing.get_context("fork")


def build():
    from portal.compliance.models import Requirement
    from portal.people.models import StaffMember, Team

    if StaffMember.objects.exists():
        raise SystemExit("Use an empty database: this benchmark creates its own staff.")
    team = Team.add_root(code="ORG", name="Bench Trust", kind="organisation")
    StaffMember.objects.bulk_create(
        [
            StaffMember(
                employee_number=str(50_000_000 + n),
                first_name="F",
                last_name=f"S{n}",
                work_email=f"l{n}@bench.nhs.uk",
                team=team,
                start_date=datetime.date(2015, 1, 1),
            )
            for n in range(STAFF)
        ],
        batch_size=2000,
    )
    for name in ("Bench module", "Bench course"):
        Requirement.objects.create(name=name, kind=Requirement.EXTERNAL_COURSE, renewal_months=12)
    from portal.compliance.projection import refresh

    refresh()


def _writer(index: int, count: int, until: float, timed: bool, results):
    """Record completions for this writer's share of the staff until `until`; return appends (and waits)."""
    from django.db import connection
    from django.utils import timezone

    from portal.compliance.models import EvidenceEntry, Requirement
    from portal.compliance.services import evidence_record
    from portal.people.models import StaffMember

    requirement = Requirement.objects.get(name="Bench module")
    people = list(StaffMember.objects.order_by("pk"))[index::count]
    done, waits, n = 0, [], 0
    while time.time() < until:
        staff = people[n % len(people)]
        started = time.perf_counter()
        evidence_record(
            staff=staff,
            requirement=requirement,
            source=EvidenceEntry.MODULE,
            source_ref="bench",
            idempotency_key=f"bench:{os.getpid()}:{index}:{n}:{time.time_ns()}",
            completed_at=timezone.now(),
        )
        waits.append(time.perf_counter() - started)
        done += 1
        n += 1
        if timed:
            time.sleep(0.02)  # one submission after another, as people submit, not a tight loop
    connection.close()
    results.put((done, waits))


def _run_writers(count: int, seconds: float, timed: bool = False):
    results = FORK.Queue()
    start_at = time.time() + 3  # every process set up before the clock starts
    until = start_at + seconds
    procs = [FORK.Process(target=_delayed, args=(i, count, start_at, until, timed, results)) for i in range(count)]
    for proc in procs:
        proc.start()
    gathered = [results.get() for _ in procs]
    for proc in procs:
        proc.join()
    return sum(done for done, _ in gathered), [w for _, waits in gathered for w in waits]


def _delayed(i, count, start_at, until, timed, results):
    time.sleep(max(0.0, start_at - time.time()))
    _writer(i, count, until, timed, results)


def _import(rows: int, done_flag):
    """Apply `rows` completions for the staff in chunks, as the import's task does."""
    from django.utils import timezone

    from portal.compliance.imports import completions
    from portal.compliance.models import EvidenceEntry, Requirement
    from portal.people.models import StaffMember

    requirement = Requirement.objects.get(name="Bench course")
    ids = list(StaffMember.objects.order_by("pk").values_list("pk", flat=True))
    made = [
        {
            "idempotency_key": f"bench-import:{n}",
            "staff_id": ids[n % len(ids)],
            "requirement_id": requirement.pk,
            "source": EvidenceEntry.IMPORT,
            "source_ref": f"bench line {n}",
            "completed_at": timezone.now() - datetime.timedelta(days=n % 300),
        }
        for n in range(rows)
    ]
    made.sort(key=lambda row: row["staff_id"])
    completions.record_in_chunks(made)
    done_flag.set()


def main():
    django_setup()
    from django.db import connection

    from portal.compliance import ledger

    build()
    connection.close()
    rates = {}
    for count in WRITERS:
        done, _ = _run_writers(count, SECONDS)
        rates[count] = done / SECONDS
        print(f"{count} writer(s): {done} appends in {SECONDS:.0f} s, {rates[count]:.0f} a second", flush=True)

    if not IMPORT_ROWS:
        print(f"appends_per_s={rates[8]:.0f}")
        return
    done_flag = FORK.Event()
    importer = FORK.Process(target=_import, args=(IMPORT_ROWS, done_flag))
    began = time.time()
    importer.start()
    waits = []
    while not done_flag.is_set():
        _, more = _run_writers(1, 5, timed=True)
        waits += more
    importer.join()
    took = time.time() - began
    report = ledger.verify_chain()
    print(f"database: {connection.vendor}; staff: {STAFF}; import of {IMPORT_ROWS} rows took {took:.0f} s")
    if waits:
        ordered = sorted(waits)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"appends during the import: {len(waits)}; p50 {statistics.median(waits) * 1000:.0f} ms, "
            f"p99 {p99 * 1000:.0f} ms, longest {max(waits) * 1000:.0f} ms"
        )
    print(f"chain: {'intact' if report.intact else 'BROKEN: ' + report.problem} ({report.checked} entries)")
    print(f"appends_per_s={rates[8]:.0f} wait_during_import_ms={max(waits) * 1000 if waits else 0:.0f}")


if __name__ == "__main__":
    main()
