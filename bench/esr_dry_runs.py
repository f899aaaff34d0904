"""Time the dry runs of files shaped as ESR gives them: a 10,000-row staff list (supervisors by assignment number,
columns the import does not use, a footer), planned on an empty database and again once those people are in it with
about 2% of them changed (team moves, and identity changes: an employee number re-used with a new email and names),
and a 100,000-row competence report as Excel (.xlsx), with blank achievement dates and people not on the roster
among the rows. Each staff-list dry run is timed RUNS times (min and median); the competence report once.

    cd bench && DATABASE_URL=sqlite:////tmp/bench_esr.sqlite3 ../.venv/bin/python esr_dry_runs.py
    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_esr ../.venv/bin/python esr_dry_runs.py

Use an empty database: the script creates its own teams and 10,000 staff (bulk inserts), then plans the files.
Only the first staff list is applied (the second dry run and the competence report need its people). No
tracemalloc while timing (it slows Python several times); memory is a second pass.
"""

import datetime
import io
import random
import statistics
import sys
import time
import tracemalloc

from _setup import django_setup
from roster_import import GROUPS, build_teams

STAFF = 10_000
ROWS = 100_000
COURSES = [f"NHS|CSTF|Course {c} - Level 1 - 3 Years|" for c in range(10)]
RUNS = 3
MOVES = range(1000, 10_000, 64)  # 141 people move team
IDENTITIES = range(1001, 10_000, 180)  # 50 employee numbers re-used for someone else (new email and names)


def staff_list(teams, moves=(), identities=()) -> bytes:
    """The staff list; `moves` (row numbers) in the next team along, `identities` given to someone new."""
    moves, identities = set(moves), set(identities)
    rng = random.Random(7)
    lines = [
        "Employee Number,Assignment Number,Last Name,First Name,Work Email,Position Title,Staff Group,"
        "Organisation Code,Supervisor Assignment Number,Supervisor Full Name,Payscale,Hire Date,Termination Date,"
        "Assignment Category"
    ]
    for n in range(STAFF):
        number = str(30_000_000 + n)
        supervisor = "" if n < 400 else f"{30_000_000 + rng.randrange(0, 400)}-1"
        team = teams[(n + (n in moves)) % len(teams)]
        name = f"Newname{n},Newforename{n},new{n}" if n in identities else f"Surname{n},Forename{n},person{n}"
        lines.append(
            f"{number},{number}-1,{name}@bench.nhs.uk,Officer,{rng.choice(GROUPS)},"
            f'{team.code},{supervisor},"Someone, Else",Band 5,'
            f"{rng.randrange(1, 28):02d}/0{rng.randrange(1, 9)}/20{rng.randrange(10, 26)},31/12/4712,Permanent"
        )
    lines += ["", f"Report total: {STAFF} assignments"]
    return ("\r\n".join(lines) + "\r\n").encode()


def competence_report() -> bytes:
    import openpyxl

    rng = random.Random(11)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Competence Report")
    sheet.append(["Person", "Competence Name", "Achievement Date", "Expiry Date", "Compliance", "Organisation"])
    for n in range(ROWS):
        person = 30_000_000 + rng.randrange(0, STAFF + 200)  # about 2% not on the roster
        if n % 10 == 0:  # ESR lists who has not done a course, with no date
            sheet.append([f"{person}-1|Surname, Forename", rng.choice(COURSES), None, None, "No", "ORG"])
            continue
        done = datetime.datetime(2024, 1, 1) + datetime.timedelta(days=rng.randrange(0, 700))
        expires = done + datetime.timedelta(days=1090)  # within the 36-month renewal period
        sheet.append([f"{person}-1|Surname, Forename", rng.choice(COURSES), done, expires, "Yes", "ORG"])
    sheet.append(["Report total", ROWS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def main():
    django_setup()
    from django.db import connection

    from portal.compliance.completions import plan_completions
    from portal.compliance.models import CompetenceMapping, Requirement
    from portal.compliance.roster import roster_apply
    from portal.people.models import StaffMember
    from portal.people.roster import plan_roster

    if StaffMember.objects.exists():
        raise SystemExit("Use an empty database: this benchmark creates its own organisation.")
    teams = build_teams()
    roster = staff_list(teams)
    plan, seconds = timed(lambda: plan_roster(roster))
    assert plan.can_apply, (plan.rejected[:5], plan.problems[:5])
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    print(
        f"staff list, {plan.rows} rows, empty database (supervisors by assignment number, footer "
        f"{plan.ignored[0]!r}): dry run {said(seconds)}"
    )
    roster_apply(plan)  # the second dry run and the completions report need the people on the roster
    changed = staff_list(teams, moves=MOVES, identities=IDENTITIES)
    plan, seconds = timed(lambda: plan_roster(changed))
    assert plan.can_apply, (plan.rejected[:5], plan.problems[:5])
    assert len(plan.identity) == len(IDENTITIES) and len(plan.to_change) == len(MOVES) + len(IDENTITIES)
    assert not plan.to_create
    print(
        f"staff list, {plan.rows} rows, the same 10,000 people in the database, {len(plan.to_change)} changed "
        f"({len(MOVES)} team moves, {len(plan.identity)} identity changes): dry run {said(seconds)}"
    )
    for name in COURSES:
        requirement = Requirement.objects.create(name=name, kind=Requirement.EXTERNAL_COURSE, renewal_months=36)
        CompetenceMapping.objects.create(competence_name=name, requirement=requirement)
    report = competence_report()
    started = time.perf_counter()
    completions = plan_completions(report)
    completions_seconds = time.perf_counter() - started
    assert completions.can_apply, (completions.rejected[:5], completions.problems[:5])
    print(
        f"competence report, XLSX {len(report) / 1e6:.1f} MB, {completions.rows} rows: dry run "
        f"{completions_seconds:.2f}s ({completions.summary})"
    )
    tracemalloc.start()
    plan_completions(report)
    _, peak = tracemalloc.get_traced_memory()
    print(f"peak Python memory of the XLSX dry run (a second pass, under tracemalloc): {peak / 1e6:.0f} MB")


def timed(work):
    """(the last result, the seconds of each of RUNS runs)."""
    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - started)
    return result, seconds


def said(seconds: list[float]) -> str:
    runs = ", ".join(f"{s:.2f}" for s in seconds)
    return f"min {min(seconds):.2f}s, median {statistics.median(seconds):.2f}s ({runs})"


if __name__ == "__main__":
    main()
