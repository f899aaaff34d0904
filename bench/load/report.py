"""What the run prints: each phase's requests, failures and CPU, the throughput against the bare view and the
floor, and the summary's checks."""

import collections
import math
import os

from loadclient import Request
from phases import Phase

GRACE_AFTER_RESTART = 5.0  # seconds after the database answers again in which failures still count as the restart's


def log(message=""):
    print(message, flush=True)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def seconds(value: float | None) -> str:
    return "never seen" if value is None else f"{value:.1f} s"


def print_phase(phase: Phase) -> None:
    log(f"\n=== {phase.name}: {phase.clients} clients, {phase.elapsed:.1f} s ===")
    by_kind = collections.defaultdict(list)
    for r in phase.requests:
        by_kind[r.kind].append(r)
    header = f"  {'kind':<18} {'requests':>8} {'req/s':>7} {'failed':>6} {'error %':>7} {'p50 ms':>7} {'p95 ms':>7}"
    log(header)
    log("  " + "-" * (len(header) - 2))
    rows = [*sorted(by_kind.items(), key=lambda item: -len(item[1])), ("ALL", phase.requests)]
    for kind, records in rows:
        failed = sum(1 for r in records if not r.ok)
        latencies = [r.latency * 1000 for r in records]
        log(
            f"  {kind:<18} {len(records):>8} {len(records) / phase.elapsed:>7.1f} {failed:>6} "
            f"{100 * failed / max(1, len(records)):>6.2f}% "
            f"{percentile(latencies, 50):>7.0f} {percentile(latencies, 95):>7.0f}"
        )
    if phase.preparation:
        prep = phase.preparation
        log(
            f"  before runs 3 and 4 ({prep.seconds:.0f} s, not counted): {prep.signed_in} of {prep.people} people "
            f"signed in, {prep.attempts} prepared attempts between them ({len(prep.requests)} requests, "
            f"{sum(1 for r in prep.requests if not r.ok)} failed)"
        )
        for why in prep.unprepared[:10]:
            log(f"    not signed in: {why}")
        submitted = [s for s in phase.successes if s["kind"] == "submission"]
        log(
            f"  submissions answered with success: {len(submitted)}, {len(submitted) / phase.elapsed:.1f}/s; "
            f"prepared attempts left unsubmitted: {prep.attempts - len(submitted)}"
        )
        if prep.ran_out:
            log(
                f"  {len(prep.ran_out)} clients ran out of prepared attempts before the window closed, the first "
                f"{prep.ran_out[0][0]:.1f} s in: raise --submissions-rate"
            )
    attest = [s for s in phase.successes if s["kind"] == "attestation"]
    quiz = [s for s in phase.successes if s["kind"] == "quiz"]
    if attest or quiz:
        passed = sum(1 for s in quiz if s["shown"] == "passed")
        log(
            f"  submissions answered with success: {len(attest)} attestations, {len(quiz)} quiz attempts "
            f"({passed} shown as passed); {len(attest) / phase.elapsed:.1f} attestations/s"
        )
    if phase.restart:
        r = phase.restart
        log(
            f"  PostgreSQL restart: `{r.command or 'no command worked'}` at {r.began:.1f} s; the database stopped "
            f"answering at {seconds(r.down)} and answered again at {seconds(r.ready)}"
            + f" (probe every 0.1 s); the command returned at {r.command_done:.1f} s"
        )
        if r.error:
            log("  restart commands that failed: " + r.error.strip().replace("\n", "; "))
        log(
            f"  clients with a success answer after the database was back: {phase.clients_recovered} of {phase.clients}"
        )
    if phase.cpu:
        capacity = (os.cpu_count() or 1) * phase.elapsed
        log(
            "  CPU used (of "
            + f"{os.cpu_count()} cores): "
            + ", ".join(f"{who} {sec:.0f} s ({100 * sec / capacity:.0f}%)" for who, sec in phase.cpu.items())
            + f"; machine {100 * sum(phase.cpu.values()) / capacity:.0f}% busy"
        )
        # Per request, the application's own cost, which the others' share of the machine does not change much.
        n = max(1, len(phase.requests))
        log(
            f"  CPU a request: gunicorn {1000 * phase.cpu['gunicorn'] / n:.1f} ms, "
            f"PostgreSQL {1000 * phase.cpu['PostgreSQL'] / n:.1f} ms"
        )
    print_failures(phase)
    if phase.server_errors:
        log("  server log (gunicorn stderr) during this run:")
        for what, count in phase.server_errors.most_common(12):
            log(f"    {count:>5} x {what}")


def in_restart_window(phase: Phase, r: Request) -> bool:
    """Whether the request was at the server at any time between the restart and a few seconds after the database
    answered again (a request sent before the restart may wait in gunicorn's queue and be served during it)."""
    restart = phase.restart
    if restart is None or restart.began is None:
        return False
    end = (restart.ready if restart.ready is not None else phase.elapsed) + GRACE_AFTER_RESTART
    return r.t <= end and r.t + r.latency >= restart.began


def print_failures(phase: Phase, limit: int = 80) -> None:
    failed = [r for r in phase.requests if not r.ok]
    if not failed:
        log("  failed requests: none")
        return
    connection = [r for r in failed if r.failure == "connection error"]
    answered = [r for r in failed if r.failure != "connection error"]
    log(f"  failed requests: {len(failed)} ({len(answered)} answered with a page, {len(connection)} connection errors)")
    groups = collections.Counter(
        (r.kind, r.status, r.failure, "during restart" if in_restart_window(phase, r) else "OUTSIDE restart")
        for r in failed
    )
    log("  by kind, status, what the body was, and when:")
    for (kind, status, failure, when), count in sorted(groups.items(), key=lambda item: -item[1]):
        log(f"    {count:>5} x {kind:<18} {status or '-':>4}  {failure:<16} {when}")
    details = collections.Counter((r.status, r.failure, r.detail) for r in failed)
    log("  what they said:")
    for (status, failure, detail), count in details.most_common(12):
        log(f"    {count:>5} x {status or '-':>4} {failure}: {detail[:110]}")
    log(f"  each failed request (first {min(limit, len(failed))} of {len(failed)}; all in the JSON file):")
    for r in failed[:limit]:
        log(
            f"    sent {r.t:6.2f}s answered {r.t + r.latency:6.2f}s c{r.client:<2} {r.method:<4} {r.path:<40} "
            f"{r.status or '-':>4} {r.failure}"
        )


def print_ratios(
    run1: Phase, run2: Phase | None, bare: Phase, floor_run: Phase, submissions: Phase, floor_after: Phase
) -> None:
    """Requests a second against the bare view and the floor; submissions a second against the floor's (each floor
    request is one submission: its answers, chain entry and status row). The journey's submissions come with the
    pages a person goes through to make them, and are set against run 4; the submissions-only phase's are the POSTs
    alone, like the floor's, and are set against the mean of runs 4 and 6, the floor just before and just after."""

    def rate(phase, records):
        return len(records) / phase.elapsed

    bare_rate = rate(bare, [r for r in bare.requests if r.ok])
    floor_rate = rate(floor_run, [r for r in floor_run.requests if r.ok])
    floor_after_rate = rate(floor_after, [r for r in floor_after.requests if r.ok])
    log("\n== Throughput against the bare view and the floor of a submission")
    for name, phase in (
        ("bare POST view", bare),
        ("floor of a submission", floor_run),
        ("floor of a submission, again after run 5", floor_after),
    ):
        latencies = [r.latency * 1000 for r in phase.requests]
        log(f"  {name}: {rate(phase, phase.requests):.1f} req/s, p50 {percentile(latencies, 50):.0f} ms")
    for phase in filter(None, (run1, run2)):
        requests_rate, submissions_rate = rate(phase, phase.requests), rate(phase, phase.successes)
        log(
            f"  {phase.name}: {requests_rate:.1f} req/s = {100 * requests_rate / bare_rate:.1f}% of the bare view, "
            f"{100 * requests_rate / floor_rate:.1f}% of the floor; {submissions_rate:.1f} submissions/s = "
            f"{100 * submissions_rate / floor_rate:.1f}% of the floor's (a journey's pages and its submissions)"
        )
    only_rate = rate(submissions, submissions.successes)
    floor_either_side = (floor_rate + floor_after_rate) / 2
    latencies = [r.latency * 1000 for r in submissions.requests]
    log(
        f"  {submissions.name}: {only_rate:.1f} submissions/s, p50 {percentile(latencies, 50):.0f} ms; the floor "
        f"either side of it {floor_either_side:.1f}/s (runs 4 and 6): "
        f"submissions_vs_floor {100 * only_rate / floor_either_side:.1f}%, "
        f"submissions_vs_bare {100 * only_rate / bare_rate:.1f}% (like for like: signed in before the window, "
        "one POST a submission)"
    )
    requests_rate, submissions_rate = rate(run1, run1.requests), rate(run1, run1.successes)
    log(
        f"submissions_vs_floor={100 * submissions_rate / floor_rate:.1f}% "
        f"requests_vs_floor={100 * requests_rate / floor_rate:.1f}% "
        f"requests_vs_bare={100 * requests_rate / bare_rate:.1f}% "
        f"submissions_only_vs_floor={100 * only_rate / floor_either_side:.1f}% "
        f"submissions_only_vs_bare={100 * only_rate / bare_rate:.1f}%"
    )


def summarise(
    run1: Phase, run2: Phase | None, bare: Phase, floor_run: Phase, submissions: Phase, floor_after: Phase
) -> list[tuple[str, bool, str]]:
    def failed(phase):
        return [r for r in phase.requests if not r.ok]

    phases = [p for p in (run1, run2, bare, floor_run, submissions, floor_after) if p]
    prep = submissions.preparation
    non_friendly = [
        r
        for phase in phases
        for r in failed(phase)
        if r.failure not in ("friendly page", "rate limited", "connection error", "signed out")
    ]
    connection = [r for phase in phases for r in failed(phase) if r.failure == "connection error"]
    checks = [
        ("run 1 (journey, steady load): no failed request", not failed(run1), f"{len(failed(run1))} failed"),
        ("bare view: no failed request", not failed(bare), f"{len(failed(bare))} failed"),
        ("floor: no failed request", not failed(floor_run), f"{len(failed(floor_run))} failed"),
        ("floor again: no failed request", not failed(floor_after), f"{len(failed(floor_after))} failed"),
        ("submissions only: no failed request", not failed(submissions), f"{len(failed(submissions))} failed"),
        (
            "submissions only: every person signed in before the window",
            not prep.unprepared,
            f"{prep.signed_in} of {prep.people}",
        ),
        (
            "submissions only: no client ran out of prepared attempts before the window closed",
            not prep.ran_out,
            f"{len(prep.ran_out)} ran out" + (f", the first {prep.ran_out[0][0]:.1f} s in" if prep.ran_out else ""),
        ),
        (
            "every failure the person saw was a friendly 'try again' page",
            not non_friendly,
            f"{len(non_friendly)} other answers: "
            + ", ".join(f"{n} x {k}" for k, n in collections.Counter(r.failure for r in non_friendly).items()),
        ),
        ("the web server answered every request (no connection errors)", not connection, f"{len(connection)}"),
    ]
    if run2 is None:
        return checks
    outside = [r for r in failed(run2) if not in_restart_window(run2, r)]
    restart = run2.restart
    return [
        *checks,
        (
            "PostgreSQL restarted and answered again",
            bool(restart and restart.command and restart.ready is not None),
            f"down from {restart.began:.1f} s, back at {restart.ready:.1f} s"
            if restart and restart.ready is not None
            else "",
        ),
        (
            "run 2: failures only while the database was restarting",
            not outside,
            f"{len(failed(run2))} failed, {len(outside)} outside the window (+{GRACE_AFTER_RESTART:.0f} s grace)",
        ),
        (
            "every client succeeded again after the restart",
            run2.clients_recovered == run2.clients,
            f"{run2.clients_recovered} of {run2.clients}",
        ),
    ]
