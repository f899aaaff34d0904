"""The run's PostgreSQL: the database it creates, a probe, and the restart run 2 makes (`Restart`)."""

import contextlib
import os
import subprocess
import sys
import threading
import time
from urllib.parse import urlsplit

import psycopg


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


def ensure_postgres_running(url: str, log) -> None:
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
