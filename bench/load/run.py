"""A bounded load-and-fault run against the portal served by gunicorn with production settings.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_load .venv/bin/python bench/load/run.py

1. Setup: creates the database if missing, migrates, loads the demo content, adds bench staff (one shared,
   precomputed password hash) who have already answered every module's scenarios. For run 5 it adds more bench
   people (`load.submit.*`, never the journey's) and gives each an open attempt, made by the portal's own
   `quizzes.services.attempt_start`, at every module named by exactly one requirement that applies to them (checked:
   setup stops otherwise), with the answers that pass it: enough for --submissions-rate over the window, and half as
   many again (bench/load/setup_data.py, `prepare_submissions`).
2. Serves the portal with gunicorn (4 sync workers) on 127.0.0.1 and a free port, settings bench/load/load_settings.py
   (portal.settings.production plus loopback HTTP), URLs bench/load/load_urls.py (the portal plus a bare POST view
   and the floor of a submission).
3. Run 1, the journey: 50 clients for 60 s, each signing in, then attesting to the policy and taking a module quiz
   (the attestation list, the policy page, the confirmation, the module page, the quiz...: about nine page requests
   a submission), over and over.
4. Run 2, the journey with PostgreSQL restarted about 20 s in; clients retry (signing in again if they must).
   (--no-restart skips it: on a machine others share, a restart would cut their connections.)
5. Run 5's clients sign in first (see below), and wait. Run 3: the bare POST view under 50 clients for 20 s: the
   throughput of the stack with no application work. Run 4: the floor of a submission under 50 clients for 20 s
   (bench/load/floor.py): the answers, a hash-chained entry and the status row written in raw SQL, nothing else.
   Run 5, submissions only, like for like with the floor: 50 clients, having signed run 5's people in (a session
   each) and opened each person's first attempt page for the form's CSRF token, for 20 s only POST their people's
   prepared attempts to `modules:attempt`, as a browser posts the form, one request a submission: the answers, the
   module's completion, its ledger entry and the status row, through the portal's view. A client that runs out of
   attempts before the window closes fails the run (raise --submissions-rate). Run 6: the floor again, at once.
   The journey's submissions are reported as a share of run 4's (`submissions_vs_floor` on the last line: the
   pages priced with the submissions), its requests as a share of the bare view's and the floor's; run 5's
   submissions as a share of the mean of runs 4 and 6, the floor either side of it, and of the bare view's
   (`submissions_only_vs_floor`, `submissions_only_vs_bare`).
6. Prints requests, throughput, error rate and p50/p95 latency by kind, and the CPU each part used in the window
   (the load generator, gunicorn, PostgreSQL, and anything else on the machine); every failed answer and what it
   looked like; then checks the ledger: every journey submission that got a success answer recorded exactly once,
   nothing missing; every run 5 submission that got a success answer recorded its attempt as sent and passed, one
   module completion, one ledger entry and the person's status row pointing at it, and nothing else went into the
   ledger for run 5's people; `manage.py verify_evidence` passes. Ends with PASS or FAIL (exit status 0 or 1).

Not part of the test suite. Scratch files (static files, gunicorn's log, the raw records as JSON) go to
/tmp/portal_load (PORTAL_LOAD_SCRATCH).

This file runs the steps; beside it: setup_data.py (1), postgres.py (the database, its restart in run 2), server.py
(gunicorn), loadclient.py (the clients), phases.py (the runs), cpu.py (the CPU each part used), report.py (6, and
the summary) and ledger_checks.py (the ledger's checks).
"""

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"

import floor  # noqa: E402
import psycopg  # noqa: E402
from cpu import PostgresCpu, cpu_seconds, machine_busy_seconds, server_pids  # noqa: E402
from ledger_checks import check_ledger, check_submissions, verify_evidence  # noqa: E402
from phases import Phase, SubmissionsPhase, run_phase  # noqa: E402
from postgres import database_url, ensure_database, ensure_postgres_running  # noqa: E402
from report import log, print_phase, print_ratios, summarise  # noqa: E402
from server import free_port, server_errors, start_gunicorn, stop_gunicorn, wait_until_serving  # noqa: E402

SCRATCH = Path(os.environ.get("PORTAL_LOAD_SCRATCH", "/tmp/portal_load"))  # noqa: S108
os.environ["PORTAL_LOAD_SCRATCH"] = str(SCRATCH)
SUBMISSIONS_RATE = 150.0  # submissions/s the submissions-only window is prepared for (--submissions-rate): a quiet
# 2-core machine reached 112 on 4 December 2026, and a client that runs out of attempts fails the run
SUBMISSIONS_MARGIN = 1.5  # attempts prepared: that rate for the window's length, times this


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--staff", type=int, default=60)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=20)
    parser.add_argument("--bare-duration", type=float, default=20)
    parser.add_argument("--floor-duration", type=float, default=20)
    parser.add_argument("--submissions-duration", type=float, default=20, help="the submissions-only window")
    parser.add_argument(
        "--submissions-rate",
        type=float,
        default=SUBMISSIONS_RATE,
        help="submissions/s the submissions-only window is expected to reach: attempts are prepared for it, and more",
    )
    parser.add_argument("--no-restart", action="store_true", help="skip run 2 (PostgreSQL restarted)")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    url = database_url()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()

    log("== Setup")
    log(f"  database {urlsplit(url).path.lstrip('/')}: {'created' if ensure_database(url) else 'already there'}")
    import django

    django.setup()
    from django.db import connections
    from setup_data import prepare, prepare_submissions

    plan = prepare(args.staff, log)
    wanted = math.ceil(args.submissions_rate * args.submissions_duration * SUBMISSIONS_MARGIN)
    plan["submitters"] = prepare_submissions(wanted, args.clients, log)
    with psycopg.connect(url, autocommit=True) as conn:
        floor.drop_tables(conn)
        floor.create_tables(conn)
    connections.close_all()  # the runner holds no connection through the restart
    people = plan["people"]
    if len(people) < args.clients:
        sys.exit(f"Only {len(people)} bench staff for {args.clients} clients")
    shift = len(people) - args.clients
    log(
        f"  {len(people)} bench staff, {len(plan['modules'])} modules with a quiz; "
        f"setup {time.perf_counter() - began:.0f} s"
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = SCRATCH / "gunicorn.log"
    log_path.write_text("")
    server = start_gunicorn(port, args.workers, log_path)
    phases: list[Phase] = []
    submitting = None
    try:
        wait_until_serving(base, server)
        log(f"  gunicorn: {args.workers} sync workers on {base}, settings bench/load/load_settings.py")

        def measured(name, runner=None, **kwargs):
            start = {}

            def window_opens():  # the CPU and the server's log are counted from here: not the sign-ins before it
                start["offset"] = log_path.stat().st_size
                start["pids"], start["postgres"] = server_pids(server), PostgresCpu()
                start["postgres"].start()
                start["cpu"] = time.process_time(), cpu_seconds(start["pids"]), machine_busy_seconds()

            if runner is None:
                phase = run_phase(name, plan=plan, base=base, url=url, on_open=window_opens, **kwargs)
            else:
                phase = runner(on_open=window_opens)
            cpu = start["cpu"]
            phase.cpu = {
                "load generator": time.process_time() - cpu[0],
                "gunicorn": cpu_seconds(start["pids"]) - cpu[1],
                "PostgreSQL": start["postgres"].stop(),
            }
            phase.cpu["anything else"] = max(0.0, machine_busy_seconds() - cpu[2] - sum(phase.cpu.values()))
            phase.server_errors = server_errors(log_path, start["offset"], log_path.stat().st_size)
            phases.append(phase)
            print_phase(phase)
            return phase

        runs = (1 if args.no_restart else 2) * args.duration + args.bare_duration + args.floor_duration
        runs += args.submissions_duration + args.floor_duration
        log(f"\n== Running (about {runs + 10:.0f} s, and the submissions-only phase's sign-ins)")
        run1 = measured("Run 1: journey, steady load", duration=args.duration, people=people[: args.clients], seed=1)
        run2 = None
        if not args.no_restart:
            run2 = measured(
                "Run 2: journey, PostgreSQL restarted",
                duration=args.duration,
                people=people[shift : shift + args.clients],
                restart_at=args.restart_at,
                seed=2,
            )
        submitting = SubmissionsPhase(
            "Run 5: submissions only",
            args.submissions_duration,
            base,
            plan,
            plan["submitters"],
            args.clients,
            seed=5,
        )
        step = time.perf_counter()
        submitting.prepare()
        log(f"\n  run 5's people signed in, waiting for their window ({time.perf_counter() - step:.0f} s)")
        clients = people[: args.clients]
        bare = measured("Run 3: bare POST view", duration=args.bare_duration, people=clients, mode="bare")
        floor_run = measured("Run 4: floor of a submission", duration=args.floor_duration, people=clients, mode="floor")
        submissions = measured("Run 5: submissions only", runner=submitting.run)
        # The floor again straight after: run 5 is compared with the mean of the floor either side of it, so that
        # what others do on the machine in the meantime weighs on both alike.
        floor_after = measured(
            "Run 6: floor of a submission, again", duration=args.floor_duration, people=clients, mode="floor"
        )
    except BaseException:
        if submitting is not None:
            submitting.abandon()
        raise
    finally:
        stop_gunicorn(server)
        ensure_postgres_running(url, log)
        with psycopg.connect(url, autocommit=True) as conn:
            floor.drop_tables(conn)

    print_ratios(run1, run2, bare, floor_run, submissions, floor_after)

    log("\n== Ledger")
    successes = run1.successes + (run2.successes if run2 else [])
    checks = check_ledger(plan, successes)
    checks += check_submissions(plan, submissions.successes)
    ok, message = verify_evidence()
    checks.append(("manage.py verify_evidence", ok, message))
    for name, passed, detail in checks:
        log(f"  [{'PASS' if passed else 'FAIL'}] {name}: {detail}")

    log("\n== Summary")
    summary = summarise(run1, run2, bare, floor_run, submissions, floor_after)
    summary += [(name, passed, "") for name, passed, _ in checks]
    for name, passed, detail in summary:
        log(f"  [{'PASS' if passed else 'FAIL'}] {name}{': ' + detail if detail else ''}")
    verdict = all(passed for _, passed, _ in summary)
    dump = SCRATCH / "records.json"
    dump.write_text(
        json.dumps(
            {
                p.name: {
                    "requests": [r.__dict__ for r in p.requests],
                    "successes": p.successes,
                    "restart": {
                        k: getattr(p.restart, k)
                        for k in ("began", "down", "ready", "command_done", "command", "error", "probes")
                    }
                    if p.restart
                    else None,
                }
                for p in phases
            },
            default=str,
        )
    )
    log(f"\n{'PASS' if verdict else 'FAIL'} (whole run {time.perf_counter() - began:.0f} s; raw records in {dump})")
    return 0 if verdict else 1


if __name__ == "__main__":
    sys.exit(main())
