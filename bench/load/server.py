"""The portal served by gunicorn for the run, and what it logged."""

import collections
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


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
