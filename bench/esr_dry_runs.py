"""Time the dry runs of files shaped as ESR gives them: a 10,000-row staff list (supervisors by assignment number,
columns the import does not use, a footer) and a 100,000-row competence report as Excel (.xlsx), with blank
achievement dates and people not on the roster among the rows.

    cd bench && DATABASE_URL=sqlite:////tmp/bench_esr.sqlite3 ../.venv/bin/python esr_dry_runs.py
    cd bench && DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_esr ../.venv/bin/python esr_dry_runs.py

Use an empty database: the script creates its own teams and 10,000 staff (bulk inserts), then plans both files.
Nothing is applied. No tracemalloc while timing (it slows Python several times); memory is a second pass.
"""

import datetime
import io
import random
import sys
import time
import tracemalloc

from _setup import django_setup
from roster_import import GROUPS, build_teams

STAFF = 10_000
ROWS = 100_000
COURSES = [f"NHS|CSTF|Course {c} - Level 1 - 3 Years|" for c in range(10)]


def staff_list(teams) -> bytes:
    rng = random.Random(7)
    lines = [
        "Employee Number,Assignment Number,Last Name,First Name,Work Email,Position Title,Staff Group,"
        "Organisation Code,Supervisor Assignment Number,Supervisor Full Name,Payscale,Hire Date,Termination Date,"
        "Assignment Category"
    ]
    for n in range(STAFF):
        number = str(30_000_000 + n)
        supervisor = "" if n < 400 else f"{30_000_000 + rng.randrange(0, 400)}-1"
        lines.append(
            f"{number},{number}-1,Surname{n},Forename{n},person{n}@bench.nhs.uk,Officer,{rng.choice(GROUPS)},"
            f'{teams[n % len(teams)].code},{supervisor},"Someone, Else",Band 5,'
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
    started = time.perf_counter()
    plan = plan_roster(roster)
    roster_seconds = time.perf_counter() - started
    assert plan.can_apply, (plan.rejected[:5], plan.problems[:5])
    print(f"database: {connection.vendor}; python {sys.version.split()[0]}")
    print(
        f"staff list, {plan.rows} rows (supervisors by assignment number, footer {plan.ignored[0]!r}): "
        f"dry run {roster_seconds:.2f}s"
    )
    roster_apply(plan)  # the completions report needs the people on the roster
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


if __name__ == "__main__":
    main()
