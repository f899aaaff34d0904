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
"""

import argparse
import collections
import contextlib
import io
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT), str(HERE)]
os.environ["DJANGO_SETTINGS_MODULE"] = "load_settings"

import floor  # noqa: E402
import psycopg  # noqa: E402
import requests  # noqa: E402
from loadclient import Client, Request, SubmitClient, Window  # noqa: E402

SCRATCH = Path(os.environ.get("PORTAL_LOAD_SCRATCH", "/tmp/portal_load"))  # noqa: S108
os.environ["PORTAL_LOAD_SCRATCH"] = str(SCRATCH)
LATE_SECONDS = 5
GRACE_AFTER_RESTART = 5.0  # seconds after the database answers again in which failures still count as the restart's
SUBMISSIONS_RATE = 150.0  # submissions/s the submissions-only window is prepared for (--submissions-rate): a quiet
# 2-core machine reached 112 on 4 December 2026, and a client that runs out of attempts fails the run
SUBMISSIONS_MARGIN = 1.5  # attempts prepared: that rate for the window's length, times this


def log(message=""):
    print(message, flush=True)


# --- the database -------------------------------------------------------------------------------------------------


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/portal_load")
    return url


def ensure_database(url: str) -> bool:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def database_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=1) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def restart_commands(url: str) -> list[list[str]]:
    """pg_ctlcluster for the cluster on the URL's port (Debian), then the service managers."""
    port = str(urlsplit(url).port or 5432)
    commands = []
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, timeout=10).stdout
        for line in listing.splitlines():
            fields = line.split()
            if len(fields) >= 3 and fields[2] == port:
                commands.append(["pg_ctlcluster", fields[0], fields[1], "restart"])
    commands += [["service", "postgresql", "restart"], ["systemctl", "restart", "postgresql"]]
    return commands


class Restart(threading.Thread):
    """Restarts PostgreSQL at `at` seconds into the run. A probe connects every 0.1 s meanwhile, to time when the
    database stopped answering and when it answered again (the restart command itself returns later than that)."""

    def __init__(self, url, t0, at):
        super().__init__(name="restart", daemon=True)
        self.url, self.t0, self.at = url, t0, at
        self.began = self.command_done = self.down = self.ready = None
        self.command, self.error = None, ""
        self.probes: list[tuple[float, bool]] = []

    def _now(self) -> float:
        return time.perf_counter() - self.t0

    def _probe(self, stop: threading.Event) -> None:
        while not stop.is_set():
            sent = self._now()
            self.probes.append((sent, database_answers(self.url)))
            time.sleep(0.1)

    def run(self):
        time.sleep(max(0.0, self.t0 + self.at - time.perf_counter()))
        self.began = self._now()
        stop = threading.Event()
        probe = threading.Thread(target=self._probe, args=(stop,), daemon=True)
        probe.start()
        for command in restart_commands(self.url):
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=60)
            except (OSError, subprocess.SubprocessError) as error:
                self.error += f"{' '.join(command)}: {error}\n"
                continue
            if done.returncode == 0:
                self.command = " ".join(command)
                break
            self.error += f"{' '.join(command)}: exit {done.returncode} {done.stderr.strip()[:200]}\n"
        self.command_done = self._now()
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline and not any(ok and t >= self.command_done for t, ok in self.probes):
            time.sleep(0.1)
        stop.set()
        probe.join()
        failed = [t for t, ok in self.probes if not ok]
        if failed:
            self.down = failed[0]
            self.ready = next((t for t, ok in self.probes if ok and t > failed[-1]), None)
        else:  # never caught it down
            self.ready = next((t for t, ok in self.probes if ok and t >= self.command_done), None)


def ensure_postgres_running(url: str) -> None:
    if database_answers(url):
        return
    log("PostgreSQL is not answering: starting it")
    for command in restart_commands(url):
        start = [part if part != "restart" else "start" for part in command]
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(start, capture_output=True, timeout=60)
        for _ in range(50):
            if database_answers(url):
                return
            time.sleep(0.2)


# --- the server ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, log_path: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["DJANGO_SETTINGS_MODULE"] = "load_settings"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "portal.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--worker-class=sync",
        "--timeout=30",
        "--graceful-timeout=5",
        "--backlog=2048",
        "--error-logfile=-",
    ]
    with log_path.open("ab") as output:  # gunicorn's own log and the workers' (Django logs 500s to stderr)
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)


def wait_until_serving(base: str, server: subprocess.Popen) -> None:
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(base + "/accounts/login/", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start serving within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def server_errors(log_path: Path, start: int, end: int) -> collections.Counter:
    """What the server logged between two offsets: for each 500 Django logged (django.request), the exception at the
    end of its traceback; and gunicorn's own errors (a worker timed out or died)."""
    with log_path.open("rb") as handle:
        handle.seek(start)
        text = handle.read(end - start).decode("utf-8", "replace")
    counts = collections.Counter()
    for block in re.split(r"^(?=Internal Server Error: )", text, flags=re.M):
        if not block.startswith("Internal Server Error: "):
            continue
        last = [line for line in block.splitlines() if re.match(r"[A-Za-z_][\w.]*(Error|Exception)\w*(:|$)", line)]
        cause = last[-1].replace('connection to server at "127.0.0.1", port 5432 failed: ', "") if last else "?"
        cause = re.sub(r"\s+", " ", cause)[:130]
        counts[f"500 from {cause}"] += 1
    for line in re.findall(r"^\[.*?\] \[\d+\] \[(?:CRITICAL|ERROR|WARNING)\] .*$", text, re.M):
        counts["gunicorn: " + re.sub(r"^\[.*?\] \[\d+\] ", "", line)[:100]] += 1
    return counts


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU seconds used so far by these processes (Linux /proc)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and (entry / "comm").read_text().strip() == "postgres":
                pids.append(int(entry.name))
    return pids


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores, every process), from /proc/stat."""
    with contextlib.suppress(OSError, ValueError):
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    return 0.0


class PostgresCpu(threading.Thread):
    """CPU seconds used by PostgreSQL's processes while it runs, sampled every 0.5 s (a backend ends when its
    connection closes, taking its counters with it)."""

    def __init__(self):
        super().__init__(name="postgres-cpu", daemon=True)
        self.first = {pid: cpu_seconds([pid]) for pid in postgres_pids()}
        self.last = dict(self.first)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(0.5):
            for pid in postgres_pids():
                self.last[pid] = cpu_seconds([pid])

    def stop(self) -> float:
        self.stopping.set()
        self.join()
        return sum(seconds - self.first.get(pid, 0.0) for pid, seconds in self.last.items())


def server_pids(server: subprocess.Popen) -> list[int]:
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        return [server.pid, *map(int, children)]
    return [server.pid]


# --- a run --------------------------------------------------------------------------------------------------------


class Phase:
    def __init__(self, name, duration):
        self.name, self.duration = name, duration
        self.requests: list[Request] = []
        self.successes: list[dict] = []
        self.elapsed = 0.0
        self.restart: Restart | None = None
        self.server_errors = collections.Counter()
        self.clients = 0
        self.clients_recovered = 0
        self.cpu = {}  # seconds of CPU used during the run by the load generator and by gunicorn
        self.preparation: Preparation | None = None  # the submissions-only phase's, before its window


class Preparation:
    """What the submissions-only phase did before its window: the sign-ins and attempt pages, and who ran short."""

    def __init__(self, clients: list[SubmitClient], seconds: float):
        self.seconds = seconds
        self.requests = [r for c in clients for r in c.preparation.requests]
        self.people = sum(len(c.people) for c in clients)
        self.signed_in = sum(len(c.sessions) for c in clients)
        self.attempts = sum(len(person["attempts"]) for c in clients for person, _, _ in c.sessions)
        self.unprepared = [why for c in clients for why in c.unprepared]
        self.ran_out = sorted((c.ran_out_at, c.index) for c in clients if c.ran_out_at is not None)


def run_phase(
    name, duration, base, plan, people, *, mode="portal", restart_at=None, url=None, seed=0, on_open=None
) -> Phase:
    phase = Phase(name, duration)
    if on_open:
        on_open()
    t0 = time.perf_counter() + 0.2
    deadline = t0 + duration
    clients = [
        Client(i, person, plan, base, t0, deadline, seed * 1000 + i, mode=mode) for i, person in enumerate(people)
    ]
    if restart_at is not None:
        phase.restart = Restart(url, t0, restart_at)
        phase.restart.start()
    for client in clients:
        client.start()
    for client in clients:
        client.join(timeout=duration + 60)
    if phase.restart:
        phase.restart.join(timeout=90)
    phase.elapsed = time.perf_counter() - t0
    phase.clients = len(clients)
    for client in clients:
        phase.requests.extend(client.log.requests)
        phase.successes.extend(client.log.successes)
    if phase.restart and phase.restart.ready is not None:
        after = phase.restart.ready
        phase.clients_recovered = sum(1 for c in clients if any(s["t"] > after for s in c.log.successes))
    phase.requests.sort(key=lambda r: r.t)
    return phase


class SubmissionsPhase:
    """Submissions as such, in two steps: `prepare` has `clients` clients sign their share of `people` in and wait;
    `run` opens the window, in which they only POST their prepared attempts (loadclient.SubmitClient). The runner
    prepares before the bare view and the floor run, so that the window follows the floor's at once, on a machine
    others share as little changed as can be."""

    def __init__(self, name, duration, base, plan, people, clients, *, seed=0):
        self.name, self.duration, self.clients = name, duration, clients
        self.window = Window(clients, duration)
        self.threads = [
            SubmitClient(i, people[i::clients], plan, base, self.window, seed * 1000 + i) for i in range(clients)
        ]
        self.preparation_seconds = 0.0

    def prepare(self) -> None:
        began = time.perf_counter()
        for thread in self.threads:
            thread.start()
        for thread in self.threads:
            thread.prepared.wait(timeout=thread.prepare_for + 60)
        self.preparation_seconds = time.perf_counter() - began

    def run(self, on_open=None) -> Phase:
        phase = Phase(self.name, self.duration)
        self.window.on_open = on_open
        self.window.barrier.wait(timeout=60)
        for thread in self.threads:
            thread.join(timeout=self.duration + 60)
        phase.elapsed = time.perf_counter() - self.window.t0
        phase.clients = self.clients
        phase.preparation = Preparation(self.threads, self.preparation_seconds)
        for thread in self.threads:
            phase.requests.extend(thread.log.requests)
            phase.successes.extend(thread.log.successes)
        phase.requests.sort(key=lambda r: r.t)
        return phase

    def abandon(self) -> None:
        """Lets the clients go without a window (the run failed before it): they end without sending anything."""
        self.window.barrier.abort()


# --- the report ---------------------------------------------------------------------------------------------------


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


# --- the ledger check ---------------------------------------------------------------------------------------------


def check_ledger(plan: dict, successes: list[dict]) -> list[tuple[str, bool, str]]:
    from django.utils import timezone

    from modules.models import ModuleCompletion
    from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus
    from quizzes.models import Attempt

    results = []
    staff_ids = [p["staff_id"] for p in plan["people"]]
    user_ids = [p["user_id"] for p in plan["people"]]
    today = timezone.localdate()

    # Attestations: each success answer names an entry; that entry is this person's attestation.
    attest = [s for s in successes if s["kind"] == "attestation"]
    entries = EvidenceEntry.objects.in_bulk([s["entry_id"] for s in attest])
    wrong = [
        s
        for s in attest
        if s["entry_id"] not in entries
        or entries[s["entry_id"]].staff_id != s["staff_id"]
        or entries[s["entry_id"]].source != EvidenceEntry.ATTESTATION
        or entries[s["entry_id"]].requirement_id != s["requirement_id"]
    ]
    results.append(
        (
            "every attestation answered with success is in the ledger, for that person",
            not wrong,
            f"{len(attest)} success answers, {len({s['entry_id'] for s in attest})} distinct entries"
            + (f"; {len(wrong)} missing or someone else's: {wrong[:3]}" if wrong else ""),
        )
    )
    per_day = collections.Counter(
        (e.staff_id, e.requirement_id, e.snapshot_id, timezone.localdate(e.recorded_at))
        for e in EvidenceEntry.objects.filter(staff_id__in=staff_ids, source=EvidenceEntry.ATTESTATION)
    )
    dupes = {key: n for key, n in per_day.items() if n > 1}
    results.append(
        (
            "attestations recorded once per person, policy version and day (idempotency key)",
            not dupes,
            f"{sum(per_day.values())} attestation entries for the bench staff over {len(per_day)} person-days"
            + (f"; DUPLICATES: {list(dupes.items())[:5]}" if dupes else ""),
        )
    )

    # Quiz attempts: each success answer names an attempt, submitted once, with the answers this client sent.
    quiz = [s for s in successes if s["kind"] == "quiz"]
    attempts = Attempt.objects.in_bulk([s["attempt_id"] for s in quiz])
    problems = []
    for s in quiz:
        attempt = attempts.get(s["attempt_id"])
        sent = {qid.removeprefix("q"): ids for qid, ids in s["answers"].items()}
        if attempt is None or attempt.user_id != s["user_id"] or attempt.page_id != s["page_id"]:
            problems.append(f"attempt {s['attempt_id']} missing or someone else's")
        elif attempt.submitted_at is None:
            problems.append(f"attempt {s['attempt_id']} answered as submitted but not submitted")
        elif {q: sorted(ids) for q, ids in attempt.answers.items()} != sent:
            problems.append(f"attempt {s['attempt_id']} holds answers other than those sent")
        elif s["shown"] is not None and (s["shown"] == "passed") != bool(attempt.passed):
            problems.append(f"attempt {s['attempt_id']} shown as {s['shown']} but recorded passed={attempt.passed}")
    results.append(
        (
            "every quiz submission answered with success is recorded once, as sent and as shown",
            not problems,
            f"{len(quiz)} success answers for {len({s['attempt_id'] for s in quiz})} distinct attempts"
            + (f"; {len(problems)} problems: {problems[:4]}" if problems else ""),
        )
    )
    open_rows = collections.Counter(
        Attempt.objects.filter(user_id__in=user_ids, submitted_at__isnull=True).values_list(
            "user_id", "quiz_id", "page_id"
        )
    )
    results.append(
        (
            "at most one open attempt per person and module",
            all(n == 1 for n in open_rows.values()),
            f"{sum(open_rows.values())} open attempts left (abandoned at the end of a run or after a failure)",
        )
    )

    # Completions: each passed attempt completes its module once, and each completion is in the ledger once.
    # (attempts made by this run: an earlier run's gap stays in the database for good)
    this_run = {"user_id__in": user_ids, "pk__gt": plan["baseline"]["attempt_max_id"]}
    passed_ids = set(Attempt.objects.filter(passed=True, **this_run).values_list("pk", flat=True))
    completions = list(
        ModuleCompletion.objects.filter(user_id__in=user_ids, pk__gt=plan["baseline"]["completion_max_id"])
    )
    by_attempt = collections.Counter(c.attempt_id for c in completions)
    missing = sorted(passed_ids - set(by_attempt))
    shown_completed = {s["attempt_id"] for s in quiz if s["module_completed_shown"]}
    missing_shown = sorted(set(missing) & shown_completed)
    results.append(
        (
            "every attempt passed in this run has exactly one module completion",
            not missing and all(n == 1 for n in by_attempt.values()),
            f"{len(passed_ids)} passed attempts, {len(completions)} completions"
            + (
                f"; {len(missing)} passed attempts WITHOUT a completion (ids {missing[:10]}), "
                f"{len(missing_shown)} of them shown to the person as 'Module completed'"
                if missing
                else ""
            ),
        )
    )
    submitted = dict(
        Attempt.objects.filter(pk__in=[c.attempt_id for c in completions]).values_list("pk", "submitted_at")
    )
    late = sorted(
        c.attempt_id
        for c in completions
        if c.attempt_id in submitted and (c.completed_at - submitted[c.attempt_id]).total_seconds() > LATE_SECONDS
    )
    results.append(
        (
            f"each completion recorded with its passing attempt (within {LATE_SECONDS} s), not later by another call",
            not late,
            f"{len(late)} late" + (f": attempts {late[:10]}" if late else ""),
        )
    )
    module_reqs = collections.defaultdict(list)
    for req in Requirement.objects.filter(active=True).exclude(kind=Requirement.ATTEST_POLICY).exclude(page=None):
        module_reqs[req.page_id].append(req.pk)
    expected_keys = {f"module-completion:{c.pk}:{req}" for c in completions for req in module_reqs[c.page_id]}
    module_entries = collections.Counter(
        EvidenceEntry.objects.filter(
            staff_id__in=staff_ids, source=EvidenceEntry.MODULE, seq__gt=plan["baseline"]["ledger_seq"]
        ).values_list("idempotency_key", flat=True)
    )
    lost = expected_keys - set(module_entries)
    extra = set(module_entries) - expected_keys
    results.append(
        (
            "every module completion is in the ledger exactly once",
            not lost and not extra and all(n == 1 for n in module_entries.values()),
            f"{len(expected_keys)} expected module entries, {sum(module_entries.values())} found"
            + (f"; {len(lost)} missing" if lost else "")
            + (f"; {len(extra)} with no completion" if extra else ""),
        )
    )

    # The status projection follows the ledger.
    attested = {s["staff_id"] for s in attest}
    stale = RequirementStatus.objects.filter(
        staff_id__in=attested, requirement_id__in=plan["attest_requirement_ids"]
    ).exclude(completed_on=today)
    results.append(
        (
            "the status of everyone who attested today shows today",
            not stale.exists(),
            f"{len(attested)} people checked" + (f"; {stale.count()} stale" if stale.exists() else ""),
        )
    )
    return results


def check_submissions(plan: dict, successes: list[dict]) -> list[tuple[str, bool, str]]:
    """The submissions-only phase, submission by submission: the attempt recorded as sent and passed, one module
    completion for it, one ledger entry for that completion (the requirement that names the module), and the
    person's status row for that requirement pointing at that entry, as of today."""
    from django.utils import timezone

    from modules.models import ModuleCompletion
    from portal.compliance.models import EvidenceEntry, RequirementStatus
    from quizzes.models import Attempt

    today = timezone.localdate()
    ids = [s["attempt_id"] for s in successes]
    attempts = Attempt.objects.in_bulk(ids)
    completions = collections.defaultdict(list)
    for completion in ModuleCompletion.objects.filter(attempt_id__in=ids):
        completions[completion.attempt_id].append(completion)
    keys = {
        f"module-completion:{c.pk}:{s['requirement_id']}": s for s in successes for c in completions[s["attempt_id"]]
    }
    entries = collections.defaultdict(list)
    for entry in EvidenceEntry.objects.filter(idempotency_key__in=keys):
        entries[entry.idempotency_key].append(entry)
    statuses = {
        (row.staff_id, row.requirement_id): row
        for row in RequirementStatus.objects.filter(
            staff_id__in={s["staff_id"] for s in successes},
            requirement_id__in={s["requirement_id"] for s in successes},
        )
    }
    problems = collections.Counter()
    for s in successes:
        attempt = attempts.get(s["attempt_id"])
        sent = {name.removeprefix("q"): ids for name, ids in s["answers"].items()}
        if attempt is None or attempt.user_id != s["user_id"] or attempt.page_id != s["page_id"]:
            problems["attempt missing or someone else's"] += 1
            continue
        if attempt.submitted_at is None or not attempt.passed or attempt.answers != sent:
            problems["attempt not recorded as sent and passed"] += 1
            continue
        if len(completions[attempt.pk]) != 1:
            problems[f"{len(completions[attempt.pk])} module completions, not 1"] += 1
            continue
        found = entries[f"module-completion:{completions[attempt.pk][0].pk}:{s['requirement_id']}"]
        if len(found) != 1 or found[0].staff_id != s["staff_id"] or found[0].source != EvidenceEntry.MODULE:
            problems[f"{len(found)} ledger entries for the completion, not 1 of this person's"] += 1
            continue
        status = statuses.get((s["staff_id"], s["requirement_id"]))
        if status is None or status.evidence_id != found[0].pk or status.completed_on != today:
            problems["status row not moved to the entry"] += 1
    # Nothing else went into the ledger for these people: a submission whose answer the client never saw (it timed
    # out) may have recorded, and is accounted for; anything more was recorded by something the phase did not send.
    people = [p["staff_id"] for p in plan["submitters"]]
    prepared = [a["attempt_id"] for p in plan["submitters"] for a in p["attempts"]]
    unseen = Attempt.objects.filter(pk__in=prepared, submitted_at__isnull=False).exclude(pk__in=ids)
    unseen_completions = {
        str(pk) for pk in ModuleCompletion.objects.filter(attempt__in=unseen).values_list("pk", flat=True)
    }
    recorded = EvidenceEntry.objects.filter(staff_id__in=people, seq__gt=plan["baseline"]["ledger_seq"])
    recorded = list(recorded.values_list("idempotency_key", flat=True))
    unexplained = [
        key
        for key in recorded
        if key not in keys and key.removeprefix("module-completion:").split(":")[0] not in unseen_completions
    ]
    return [
        (
            "submissions only: every submission answered with success recorded its attempt, one completion, one "
            "ledger entry and the status row",
            not problems and bool(successes),
            f"{len(successes)} success answers for {len(set(ids))} distinct attempts, {len(keys)} completions, "
            f"{sum(len(found) for found in entries.values())} ledger entries"
            + ("; problems: " + ", ".join(f"{n} x {what}" for what, n in problems.items()) if problems else ""),
        ),
        (
            "submissions only: nothing else recorded in the ledger for the phase's people",
            not unexplained,
            f"{len(recorded)} entries since the run began for its {len(people)} people, "
            f"{len(unseen_completions)} from submissions whose answer the client did not see (timed out)"
            + (f"; {len(unexplained)} unexplained: {unexplained[:5]}" if unexplained else ""),
        ),
    ]


def verify_evidence() -> tuple[bool, str]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    try:
        call_command("verify_evidence", stdout=out)
    except CommandError as error:
        return False, str(error)
    return True, out.getvalue().strip()


# --- main ---------------------------------------------------------------------------------------------------------


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
        ensure_postgres_running(url)
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


if __name__ == "__main__":
    sys.exit(main())
