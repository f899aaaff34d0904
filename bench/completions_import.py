"""Time the dry run and the apply of 100,000 completion rows (ESR Compliance and Competency shape).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_completions .venv/bin/python bench/completions_import.py
    DATABASE_URL=sqlite:////tmp/bench_completions.sqlite3 .venv/bin/python bench/completions_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_completions_mem .venv/bin/python \
        bench/completions_import.py --memory

Use an empty database: the script creates 10,000 staff with bulk inserts, then imports the file (BENCH_ROWS and
BENCH_STAFF change the sizes). A run times the dry run and the apply; with --memory (on another empty database) it
measures their peak Python memory instead, as tracemalloc slows Python several times. It also prints the apply's
chunks (how many, their rows, how long each took) and the machine's load average before and after: the chunks are
sized from the time they take, so the load shapes them.
"""

import argparse
import datetime
import os
import random
import statistics
import time

from _setup import Phases, django_setup, memory_flag

STAFF = int(os.environ.get("BENCH_STAFF", 10_000))
ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
COURSES = [f"NHS|CSTF|Course {c} - Level 1 - 3 Years|" for c in range(10)]
APPLY = "apply (ledger, hash chain, projection)"


def main():
    parser = memory_flag(argparse.ArgumentParser(description=__doc__.splitlines()[0]))
    parser.add_argument("--chunks", action="store_true", help="Print every chunk's rows and seconds too.")
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from portal.compliance.imports.services import import_batch_apply, import_batch_create
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
        [
            Assignment(staff_id=pk, number=number)
            for pk, number in StaffMember.objects.values_list("pk", "employee_number")
        ],
        batch_size=2000,
    )
    for name in COURSES:
        requirement = Requirement.objects.create(name=name, kind=Requirement.EXTERNAL_COURSE, renewal_months=36)
        CompetenceMapping.objects.create(competence_name=name, requirement=requirement)
    rng = random.Random(11)
    lines = ["Person,Competence Name,Achievement Date,Expiry Date"]
    seen = set()
    while len(lines) <= ROWS:
        n, course, days = rng.randrange(STAFF), rng.randrange(10), rng.randrange(1, 1500)
        if (n, course, days) in seen:
            continue
        seen.add((n, course, days))
        done = datetime.date(2026, 11, 1) - datetime.timedelta(days=days)
        lines.append(f'"{40_000_000 + n}|S{n}, F","{COURSES[course]}",{done:%d-%b-%Y},No Expiry')
    data = ("\r\n".join(lines) + "\r\n").encode()
    chunks = _chunks_timed()
    load_before = os.getloadavg()
    phase = Phases(memory=args.memory)
    with phase("dry run"):
        batch, plan = import_batch_create(kind="completions", data=data, filename="bench.csv", user=None)
    assert plan.can_apply, plan.rejected[:5]
    with phase(APPLY):
        import_batch_apply(batch=batch, user=None, background=False)  # in chunks, as the task worker applies it
    print(f"database: {connection.vendor}; rows: {plan.rows}; recorded: {len(plan.to_record)}")
    print(phase.report())
    if not args.memory:
        print(f"applied {len(plan.to_record) / phase.results[APPLY]:.0f} rows a second")
    if chunks:
        sizes, seconds = [rows for rows, _ in chunks], [took for _, took in chunks]
        print(
            f"chunks: {len(chunks)}; rows min / median / max {min(sizes)} / {statistics.median(sizes):.0f} / "
            f"{max(sizes)}; seconds median {statistics.median(seconds):.2f}, longest {max(seconds):.2f}"
        )
        if args.chunks:
            print("each chunk, rows:seconds: " + " ".join(f"{rows}:{took:.3f}" for rows, took in chunks))
    load = " ".join(f"{before:.1f}->{after:.1f}" for before, after in zip(load_before, os.getloadavg(), strict=True))
    print(f"load average (1, 5, 15 min) before -> after: {load}")


def _chunks_timed() -> list[tuple[int, float]]:
    """[(rows, seconds)] of each chunk the apply commits, filled in as it goes: each chunk seals its entries once, and
    a chunk's time runs from the end of the last chunk's seal to the end of its own (the commit and the pause between
    chunks are counted in the next one; the first chunk's in none)."""
    from portal.compliance import ledger

    seal, chunks, last = ledger.seal, [], []

    def timed(entries, *args, **kwargs):
        seal(entries, *args, **kwargs)
        now = time.perf_counter()
        if last:
            chunks.append((len(entries), now - last[-1]))
        last.append(now)

    ledger.seal = timed
    return chunks


if __name__ == "__main__":
    main()
