"""Time the dry run and the apply of a 10,000-row ESR-shaped roster.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_roster .venv/bin/python bench/roster_import.py
    DATABASE_URL=sqlite:////tmp/bench_roster.sqlite3 .venv/bin/python bench/roster_import.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_roster_mem .venv/bin/python bench/roster_import.py --memory

The database should be empty (a fresh one): the script creates ~400 teams, then the roster. A run times the dry run,
the apply and a dry run of the same file again; with --memory (on another empty database) it measures their peak
Python memory instead, as tracemalloc slows Python several times.
"""

import argparse
import random

from _setup import Phases, django_setup, memory_flag

STAFF = 10_000
GROUPS = [
    "Administrative and Clerical",
    "Nursing and Midwifery Registered",
    "Allied Health Professionals",
    "Medical and Dental",
    "Estates and Ancillary",
    "Additional Clinical Services",
]


def build_teams():
    from portal.people.models import Team

    root = Team.add_root(code="ORG", name="Bench Trust", kind="organisation")
    teams = []
    for d in range(8):
        directorate = Team.objects.get(pk=root.pk).add_child(code=f"D{d}", name=f"Directorate {d}", kind="directorate")
        for t in range(12):
            team = Team.objects.get(pk=directorate.pk).add_child(code=f"D{d}T{t}", name=f"Team {d}.{t}")
            teams.append(team)
            for s in range(3):
                teams.append(
                    Team.objects.get(pk=team.pk).add_child(
                        code=f"D{d}T{t}S{s}", name=f"Sub {d}.{t}.{s}", kind="sub_team"
                    )
                )
    return teams


def build_csv(teams) -> bytes:
    rng = random.Random(7)
    lines = [
        "Employee Number,Assignment Number,Last Name,First Name,Work Email,Position Title,Staff Group,"
        "Organisation Code,Line Manager Employee Number,Hire Date,Termination Date,Assignment Category"
    ]
    for n in range(STAFF):
        number = str(30_000_000 + n)
        manager = "" if n < 400 else str(30_000_000 + rng.randrange(0, 400))
        team = teams[n % len(teams)]
        lines.append(
            ",".join(
                [
                    number,
                    number,
                    f"Surname{n}",
                    f"Forename{n}",
                    f"person{n}@bench.nhs.uk",
                    "Officer",
                    rng.choice(GROUPS),
                    team.code,
                    manager,
                    f"{rng.randrange(1, 28):02d}/0{rng.randrange(1, 9)}/20{rng.randrange(10, 26)}",
                    "",
                    "Permanent",
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def requirements_by_group_and_team():
    """A requirement for each staff group, one for each directorate's teams and one by job title: what the dry run's
    "who must do what" counts each person against (made after the apply, so the apply's time is as before)."""
    from portal.compliance.models import Requirement
    from portal.people.models import Team

    for group in GROUPS:
        Requirement.objects.create(name=f"For {group}", applies_to_everyone=False, staff_groups=[group])
    for directorate in Team.objects.filter(kind="directorate"):
        requirement = Requirement.objects.create(name=f"In {directorate.name}", applies_to_everyone=False)
        requirement.teams.add(directorate)
    Requirement.objects.create(name="Nurses by title", applies_to_everyone=False, job_title_patterns=["*Nurse*"])


def main():
    args = memory_flag(argparse.ArgumentParser(description=__doc__.splitlines()[0])).parse_args()
    django_setup()
    from django.db import connection

    from portal.compliance.roster import roster_apply
    from portal.compliance.roster_audiences import roster_audiences
    from portal.people.models import StaffMember
    from portal.people.roster import plan_roster

    if StaffMember.objects.exists():
        raise SystemExit("Use an empty database: this benchmark creates its own organisation.")
    teams = build_teams()
    data = build_csv(teams)
    phase = Phases(memory=args.memory)
    with phase("dry run"):
        plan = plan_roster(data)
    assert plan.can_apply, (plan.rejected[:5], plan.problems[:5])
    with phase("apply"):
        roster_apply(plan)
    with phase("re-import dry run"):
        again = plan_roster(data)
    requirements_by_group_and_team()
    with phase("who must do what (re-import)"):
        changes = roster_audiences(again)  # the dry run page's and the command's "who must do what"
    assert changes == [], changes  # the same file changes nobody's requirements
    print(
        f"database: {connection.vendor}; teams: {len(teams) + 9}; rows: {plan.rows}; "
        f"re-import finds no changes: {again.summary['created'] + again.summary['changed'] == 0}"
    )
    print(phase.report())


if __name__ == "__main__":
    main()
