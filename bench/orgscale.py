"""Build a realistic NHS trust for benchmarks: teams, staff, roster history, requirements, evidence ledger, projection.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_org .venv/bin/python bench/orgscale.py --staff 10000

Other scripts, after django_setup(): `from orgscale import build; counts = build(staff=10_000, seed=1)`.
It first WIPES staff, teams, requirements, the ledger and every table referencing them: use a scratch database.
10,000 staff over 3 years: 400 teams in 4 levels, ~250,000 ledger rows, about 50s on PostgreSQL.
The trust's parts are made in bench/trust/ (shape, teams, people, evidence); this puts them in the database.
"""

import argparse
import datetime
import random
import resource
import time

from _setup import django_setup
from trust.clock import Clock
from trust.evidence import evidence_facts, write_ledger
from trust.people import make_people, roster_history
from trust.shape import REQUIREMENTS
from trust.teams import make_teams
from trust.wipe import wipe


def build(staff: int, seed: int = 1, years: int = 3) -> dict:
    """Wipe the bench tables and build an organisation of `staff` people with `years` years of evidence.
    Returns counts (teams, staff, requirements, ledger_rows, staff_changes); prints the time of each phase."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from portal.compliance import projection
    from portal.compliance.db import drop_ledger_triggers, install_ledger_triggers
    from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus
    from portal.people.models import StaffChange, StaffMember, Team, TeamManager

    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    clock = Clock(now, years)
    started = time.perf_counter()

    def phase(name):
        nonlocal started
        print(f"  {name}: {time.perf_counter() - started:.1f}s", flush=True)
        started = time.perf_counter()

    # One transaction: on any failure PostgreSQL and SQLite roll back the trigger drop with everything else.
    with transaction.atomic():
        drop_ledger_triggers(connection)
        wiped = wipe(connection)
        if wiped:
            print(f"  also wiped (they reference the bench tables): {', '.join(wiped)}")
        phase("wipe")
        teams = make_teams(rng, staff)
        Team.objects.bulk_create([Team(**t.fields()) for t in teams], batch_size=1000)
        phase("teams")
        people = make_people(rng, staff, teams, clock)
        StaffMember.objects.bulk_create([StaffMember(**p.fields()) for p in people], batch_size=2000)
        TeamManager.objects.bulk_create([TeamManager(team_id=t.id, staff_id=t.manager.id) for t in teams])
        changes = roster_history(rng, people, teams, clock)
        StaffChange.objects.bulk_create([StaffChange(id=n, **c) for n, c in enumerate(changes, 1)], batch_size=2000)
        phase("staff and roster history")
        requirements = [
            Requirement(
                id=n,
                name=name,
                kind=Requirement.EXTERNAL_COURSE,
                renewal_months=months,
                applies_to_everyone=groups is None,
                staff_groups=groups or [],
                new_starter_days=28,
                # In force since the history begins: reports and packs as at a past date count them.
                introduced_on=datetime.date.fromordinal(clock.window),
            )
            for n, (name, months, groups) in enumerate(REQUIREMENTS, 1)
        ]
        Requirement.objects.bulk_create(requirements)
        facts = evidence_facts(rng, people, clock)
        phase("evidence generated")
        ledger_rows = write_ledger(facts, clock)
        del facts
        with connection.cursor() as cursor:
            models = [Team, StaffMember, TeamManager, StaffChange, Requirement, EvidenceEntry]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        install_ledger_triggers(connection)
        phase("ledger written")
    projection.refresh()
    phase("status projection")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a live database would have
        phase("analyze")
    return {
        "teams": len(teams),
        "staff": len(people),
        "requirements": len(requirements),
        "ledger_rows": ledger_rows,
        "staff_changes": len(changes),
        "statuses": RequirementStatus.objects.count(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    started = time.perf_counter()
    counts = build(staff=args.staff, seed=args.seed, years=args.years)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}; " + "; ".join(f"{k}: {v:,}" for k, v in counts.items()))
    print(f"built in {elapsed:.1f}s; peak memory (RSS) {peak:.0f} MB")


if __name__ == "__main__":
    main()
