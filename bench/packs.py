"""Time evidence packs of several sizes and measure their peak memory, each pack built in a process of its own.

    createdb -h 127.0.0.1 -U postgres portal_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/reports.py --staff 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/packs.py --sizes 50 1000

Reads the organisation bench/reports.py built (bench/orgscale.py; --build N builds one of N staff first). For each
size, the team (with the teams below it) whose headcount is nearest, and a pack of it as at a month ago, built as
the background task builds it (`portal.reports.packs.pack_build`), each run in a fresh process so that one pack's
memory does not count for the next:

- --repeats timed runs, tracemalloc off: the build's time, and the process's peak resident memory (RSS), beside its
  RSS before the build began (Python, Django and the portal loaded: the part no pack size changes);
- then one more run with tracemalloc on, for the peak of the Python memory the build itself allocated (its time is
  not quoted: tracemalloc slows Python several times).

Prints min and median of each, and a last line `pack_seconds_50=... pack_cpu_seconds_50=... pack_peak_rss_mb_50=...`
per size.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

from _setup import django_setup, scratch_files, team_of_about


def _peak_rss_mb() -> float:
    """This process's peak resident memory since it started (VmHWM). Not getrusage's ru_maxrss: Linux keeps that
    across exec, so a child started by a parent that had grown (one that had just built the organisation) reports
    the parent's size before exec: 313 MB for a 48-person pack whose process never held more than 175 MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _child(team_id: int, memory: bool) -> dict:
    """Build one pack of `team_id` as at a month ago in this process; what it cost, as a dict."""
    import datetime

    django_setup(migrate=False)
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.compliance.asat import Moment
    from portal.people.models import Team
    from portal.reports.models import EvidencePack
    from portal.reports.packs import pack_build

    team = Team.objects.get(pk=team_id)
    requester, _ = User.objects.get_or_create(email="bench-hr@example.nhs.uk")
    moment = Moment.end_of(timezone.localdate() - datetime.timedelta(days=30))
    pack = EvidencePack.objects.create(team=team, as_at=moment.day, cutoff=moment.cutoff, requested_by=requester)
    before = _rss_mb()
    if memory:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.process_time()
    pack_build(pack)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if memory else None
    from pypdf import PdfReader

    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "rss_peak_mb": _peak_rss_mb(),
        "traced_peak_mb": traced,
        "people": pack.people_done,
        "pages": len(PdfReader(pack.pdf.path).pages),
        "pdf_mb": pack.pdf.size / 2**20,
    }


def _run(team_id: int, memory: bool) -> dict:
    script = os.path.abspath(__file__)
    command = [sys.executable, script, "--child", str(team_id), *(["--memory"] if memory else [])]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=os.path.dirname(script))
    return json.loads(done.stdout.strip().splitlines()[-1])


def _spread(values) -> str:
    return f"{min(values):.1f} / {statistics.median(values):.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 1000], help="People in each pack (nearest team)")
    parser.add_argument("--repeats", type=int, default=3, help="Timed runs of each size (tracemalloc off)")
    parser.add_argument("--build", type=int, metavar="STAFF", help="Build an organisation of STAFF people first")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(_child(args.child, args.memory)))
        return
    scratch = tempfile.mkdtemp(prefix="bench-packs-")
    scratch_files(scratch)  # the packs, their CSVs and receipts go here, and the child processes inherit it
    django_setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("Run this on PostgreSQL (DATABASE_URL=postgres://...): its figures are the ones that count.")
    if args.build:
        from orgscale import build

        print(f"Building an organisation of {args.build:,} staff...", flush=True)
        build(staff=args.build)
    summary = measure(args.sizes, args.repeats)
    print(f"files in {scratch}\n" + " ".join(summary))


def measure(sizes, repeats: int) -> list[str]:
    """Build and measure packs of each of `sizes` people (see the module's docstring), printing a table; returns a
    summary for each size, `pack_seconds_50=... pack_peak_rss_mb_50=... pack_traced_peak_mb_50=...`."""
    from django.db import connection
    from django.utils import timezone

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Evidence packs, each built in a process of its own; {os.cpu_count()} cores, load average {load}")
    header = f"{'pack':44} {'seconds':>13} {'peak RSS MB':>13} {'RSS before MB':>14} {'traced peak MB':>15}"
    header += f" {'pages':>6}"
    print(header + "\n" + "-" * len(header), flush=True)
    summary = []
    for size in sizes:
        team, _ = team_of_about(size, timezone.localdate())
        connection.close()  # the children open their own
        timed = [_run(team.pk, memory=False) for _ in range(repeats)]
        traced = _run(team.pk, memory=True)
        seconds = [run["seconds"] for run in timed]
        peaks = [run["rss_peak_mb"] for run in timed]
        name = f"{team.name[:30]} ({timed[0]['people']:,} people)"
        print(
            f"{name:44} {_spread(seconds):>13} {_spread(peaks):>13} "
            f"{_spread([run['rss_before_mb'] for run in timed]):>14} {traced['traced_peak_mb']:15.1f} "
            f"{timed[0]['pages']:6d}",
            flush=True,
        )
        cpu = [run["cpu_seconds"] for run in timed]
        print(
            f"  runs: {', '.join(f'{s:.2f}' for s in seconds)} s (CPU of the building process "
            f"{', '.join(f'{s:.2f}' for s in cpu)} s: min / median {min(cpu):.2f} / {statistics.median(cpu):.2f})"
        )
        # The CPU is the figure other people's work on a shared machine changes least.
        summary.append(
            f"pack_seconds_{size}={statistics.median(seconds):.2f} "
            f"pack_cpu_seconds_{size}={statistics.median(cpu):.2f} pack_peak_rss_mb_{size}={max(peaks):.0f} "
            f"pack_traced_peak_mb_{size}={traced['traced_peak_mb']:.1f}"
        )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average at the end {load}")
    return summary


if __name__ == "__main__":
    main()
