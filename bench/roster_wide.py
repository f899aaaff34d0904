"""The dry run of a staff list as wide as ESR's Staff in Post report (14 columns the import reads and 45 it does not,
about 900 bytes a row as CSV) for a large trust: ROWS assignments, all new people in one team. Prints the file's
size, the plan's time (min and median of RUNS) and the process's peak RSS, which is what a web worker holds while
the import page plans such a file; then the time the file's page takes to have its dry run once uploaded (the one
kept on the batch, portal.compliance.imports.services.import_batch_dry_run).

    createdb -h 127.0.0.1 -U postgres bench_roster_wide
    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_roster_wide ../.venv/bin/python roster_wide.py

Use an empty database.
"""

import os
import random
import resource
import statistics
import tempfile
import time

from _setup import django_setup, scratch_files

ROWS = int(os.environ.get("BENCH_ROWS", 30_000))
UNREAD = int(os.environ.get("BENCH_UNREAD", 45))
RUNS = 3


def staff_list() -> bytes:
    rng = random.Random(1)
    headings = (
        "Employee Number,Assignment Number,Last Name,First Name,Work Email,Position Title,Staff Group,"
        "Organisation Code,Supervisor Assignment Number,Supervisor Full Name,Payscale,Hire Date,Termination Date,"
        "Assignment Category"
    )
    lines = [headings + "," + ",".join(f"Unread Column {column}" for column in range(UNREAD))]
    for n in range(ROWS):
        number = str(30_000_000 + n)
        unread = ",".join(f"value {column} {rng.randrange(10**6)}" for column in range(UNREAD))
        lines.append(
            f"{number},{number}-1,Surname{n},Forename{n},p{n}@bench.nhs.uk,Staff Nurse,"
            f'Nursing and Midwifery Registered,ORG,,"Someone, Else",Band 5,01/04/2020,31/12/4712,Permanent,{unread}'
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def main():
    scratch_files(tempfile.mkdtemp(prefix="bench-roster-wide-"))
    django_setup()
    from portal.compliance.imports.services import import_batch_create, import_batch_dry_run
    from portal.compliance.models import ImportBatch
    from portal.people.models import StaffMember, Team
    from portal.people.roster import plan_roster

    if StaffMember.objects.exists() or Team.objects.exists():
        raise SystemExit("Use an empty database: this benchmark creates its own team.")
    Team.add_root(code="ORG", name="Bench Trust", kind="organisation")
    data = staff_list()
    print(f"{ROWS} rows, {len(data) / 1024 / 1024:.1f} MB, {len(data) // ROWS} bytes a row")
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        plan = plan_roster(data)
        times.append(time.perf_counter() - started)
        assert plan.rows == ROWS and not plan.rejected and not plan.problems, (plan.problems, plan.rejected[:3])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    timed = f"{min(times):.1f} / {statistics.median(times):.1f} s (min / median of {RUNS})"
    print(f"dry run {timed}; peak RSS {peak:.0f} MB")
    batch, _ = import_batch_create(kind="roster", data=data, filename="bench.csv", user=None)
    opened = []
    for _ in range(RUNS):
        started = time.perf_counter()
        shown = import_batch_dry_run(ImportBatch.objects.get(pk=batch.pk))
        opened.append(time.perf_counter() - started)
        assert shown["counts"]["to_create"] == ROWS
    timed = f"{min(opened) * 1000:.1f} / {statistics.median(opened) * 1000:.1f} ms"
    print(f"the file's page's dry run (the batch read, its kept dry run): {timed}")


if __name__ == "__main__":
    main()
