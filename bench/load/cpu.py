"""The CPU each part used while a run's window was open: gunicorn, PostgreSQL and the whole machine (Linux /proc)."""

import contextlib
import os
import subprocess
import threading
from pathlib import Path


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
