"""A PostgreSQL primary and its streaming replica on loopback, in a temporary directory, for the replica test.

The server the suite runs on may refuse replication connections (the one on these machines does: its pg_hba.conf has
no `replication` line), and a base backup of it would copy every database on it. So the pair is a server of the
test's own, initdb'd with replication allowed on 127.0.0.1, holding a copy of the test database (pg_dump of it), and a
second server made from it with `pg_basebackup -R`, streaming from it. Both run as an ordinary user (PostgreSQL
refuses to run as root: as root, as `postgres`), and `stop()` ends both and removes the directory, whatever happened.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BINARIES = ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql", "postgres")


class Unavailable(Exception):
    """Why a pair cannot be started here (the test skips, saying so)."""


def server_binaries(major: int) -> Path:
    """The server binaries of PostgreSQL `major` (pg_dump must be at least the server's version)."""
    for directory in [*sorted(glob.glob(f"/usr/lib/postgresql/{major}/bin")), os.environ.get("PG_BINDIR", "")]:
        if directory and all((Path(directory) / name).exists() for name in BINARIES):
            return Path(directory)
    raise Unavailable(
        f"PostgreSQL {major}'s server binaries ({', '.join(BINARIES)}) are not under /usr/lib/postgresql/{major}/bin "
        "(install postgresql-{major}, or set PG_BINDIR)"
    )


def _run_as() -> tuple[list[str], int | None, int | None]:
    """The command prefix, uid and gid to run a server with: this user, or `postgres` when this is root."""
    if os.geteuid() != 0:
        return [], None, None
    try:
        account = pwd.getpwnam("postgres")
    except KeyError as error:
        raise Unavailable("running as root, and there is no postgres user to run a PostgreSQL server as") from error
    if not shutil.which("runuser"):
        raise Unavailable("running as root, and there is no runuser to start a server as postgres")
    return ["runuser", "-u", "postgres", "--"], account.pw_uid, account.pw_gid


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Pair:
    bindir: Path
    user: str  # the superuser of both servers: the test database's owner on the suite's server
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="portal-replica-")))
    primary_port: int = field(default_factory=_free_port)
    replica_port: int = field(default_factory=_free_port)
    started: list[Path] = field(default_factory=list)

    def __post_init__(self):
        self.prefix, uid, gid = _run_as()
        if uid is not None:
            os.chown(self.root, uid, gid)
        self.root.chmod(0o700)

    @property
    def primary(self) -> Path:
        return self.root / "primary"

    @property
    def replica(self) -> Path:
        return self.root / "replica"

    def _command(self, name: str, *args, **kwargs) -> subprocess.CompletedProcess:
        command = [*self.prefix, str(self.bindir / name), *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done

    def _start(self, data: Path, port: int, *settings: str) -> None:
        options = " ".join(
            [f"-p {port}", "-c listen_addresses=127.0.0.1", f"-c unix_socket_directories={self.root}", *settings]
        )
        self.started.append(data)
        self._command("pg_ctl", "-D", data, "-o", options, "-l", f"{data}.log", "-w", "-t", "90", "start")

    def start_primary(self) -> None:
        self._command("initdb", "-D", self.primary, "-U", self.user, "-A", "trust", "-E", "UTF8", "--no-sync")
        # A server for a test: no fsync; enough WAL senders for the base backup's stream and the replica's.
        self._start(self.primary, self.primary_port, "-c fsync=off", "-c wal_level=replica", "-c max_wal_senders=5")

    def copy_database(self, *, name: str, host: str, port: int | str, password: str = "") -> None:
        """The suite's test database, schema and rows, into a database of the same name on the primary."""
        environment = {**os.environ, "PGPASSWORD": password} if password else None
        self.psql("postgres", f'CREATE DATABASE "{name}"')
        dump = [*self.prefix, str(self.bindir / "pg_dump"), "--no-owner", "--no-privileges"]
        dump += ["-h", host or "127.0.0.1", "-p", str(port or 5432), "-U", self.user, name]
        load = [*self.prefix, str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1"]
        load += ["-h", "127.0.0.1", "-p", str(self.primary_port), "-U", self.user, "-d", name]
        with subprocess.Popen(dump, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment) as dumping:
            loaded = subprocess.run(load, stdin=dumping.stdout, capture_output=True, text=True, timeout=300)
            dumping.stdout.close()
            dump_errors = dumping.stderr.read().decode()
        if dumping.returncode or loaded.returncode:
            raise RuntimeError(f"Copying {name} failed:\n{dump_errors}\n{loaded.stdout}\n{loaded.stderr}")

    def start_replica(self) -> None:
        self._command(
            "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port, "-U", self.user,
            "-D", self.replica, "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        # Replay never waits for a report's query: the test pauses replay itself.
        self._start(self.replica, self.replica_port, "-c hot_standby=on", "-c max_standby_streaming_delay=-1")

    def psql(self, database: str, sql: str, port: int | None = None) -> str:
        """Run `sql` as the superuser (not as the suite's app role): what pausing replay needs."""
        done = self._command(
            "psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
            "-p", port or self.primary_port, "-U", self.user, "-d", database, "-c", sql,
        )  # fmt: skip
        return done.stdout.strip()

    def wait_replayed(self, database: str, seconds: float = 60) -> None:
        """Until the replica has replayed all the primary has written so far."""
        target = self.psql(database, "SELECT pg_current_wal_lsn()")
        deadline = time.monotonic() + seconds
        while self.psql(database, f"SELECT pg_last_wal_replay_lsn() >= '{target}'", self.replica_port) != "t":
            if time.monotonic() > deadline:
                raise RuntimeError(f"The replica did not replay up to {target} in {seconds}s.\n{self.logs()}")
            time.sleep(0.1)

    def replay_pause(self, database: str) -> None:
        self.psql(database, "SELECT pg_wal_replay_pause()", self.replica_port)
        while self.psql(database, "SELECT pg_get_wal_replay_pause_state()", self.replica_port) != "paused":
            time.sleep(0.05)

    def replay_resume(self, database: str) -> None:
        self.psql(database, "SELECT pg_wal_replay_resume()", self.replica_port)

    def logs(self) -> str:
        return "\n".join(
            f"--- {data.name}.log:\n{Path(f'{data}.log').read_text(errors='replace')[-2000:]}"
            for data in self.started
            if Path(f"{data}.log").exists()
        )

    def stop(self) -> None:
        """Stop both servers (the replica first) and remove the directory, even if starting them failed."""
        for data in reversed(self.started):
            subprocess.run(
                [*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(self.root, ignore_errors=True)
