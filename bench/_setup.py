"""Shared start-up for benchmark scripts (Django on the database named by DATABASE_URL), and timing by phase."""

import os
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup(migrate: bool = True):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.conf import settings

    # Measure as production runs: the development settings' DEBUG keeps every statement's SQL and time in memory and
    # renders templates with debug information, which made a ledger append take 15% longer and would bias every figure.
    # Counting statements (CaptureQueriesContext) switches the recording on for itself.
    settings.DEBUG = False
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def scratch_files(directory: str) -> None:
    """Keep what a benchmark writes (evidence packs and their CSVs, ledger receipts) in `directory`, not in the
    repository's var/. Call before django_setup()."""
    os.environ["PRIVATE_MEDIA_ROOT"] = str(Path(directory) / "private")
    os.environ["PORTAL_RECEIPT_DIR"] = str(Path(directory) / "receipts")
    os.environ["PORTAL_RECEIPT_EMAIL"] = ""


def team_of_about(size: int, today):
    """The team (with the teams below it, the whole organisation among them) whose current headcount is nearest
    `size`, and that headcount."""
    from django.db.models import Q

    from portal.people.models import StaffMember, Team

    best = None
    for team in Team.objects.all():
        count = (
            StaffMember.objects.filter(team__path__startswith=team.path)
            .filter(Q(leave_date__isnull=True) | Q(leave_date__gt=today))
            .count()
        )
        if best is None or abs(count - size) < abs(best[1] - size):
            best = (team, count)
    return best


class Phases:
    """Times each phase of a run or, with memory=True, measures each phase's peak Python memory instead.

    Never both in one run: tracemalloc slows Python several times, so a time taken under it says little about the
    code (a memory run prints its slowed times only to show by how much). A phase's peak counts what earlier phases
    still hold (the plan, during the apply)."""

    def __init__(self, memory: bool = False):
        self.memory = memory
        self.results: dict[str, float] = {}
        self.traced_seconds: dict[str, float] = {}
        if memory:
            tracemalloc.start()

    @contextmanager
    def __call__(self, name: str):
        if self.memory:
            tracemalloc.reset_peak()
        started = time.perf_counter()
        yield
        if self.memory:
            self.results[name] = tracemalloc.get_traced_memory()[1] / 1e6
            self.traced_seconds[name] = time.perf_counter() - started
        else:
            self.results[name] = time.perf_counter() - started

    def report(self) -> str:
        if self.memory:
            parts = [f"{name} {value:.0f} MB" for name, value in self.results.items()]
            slowed = [f"{name} {value:.2f}s" for name, value in self.traced_seconds.items()]
            return (
                "peak Python memory (tracemalloc): "
                + "; ".join(parts)
                + "\ntimes under tracemalloc, to compare with a timed run, not to quote: "
                + "; ".join(slowed)
            )
        return "; ".join(f"{name}: {value:.2f}s" for name, value in self.results.items())


def memory_flag(parser):
    parser.add_argument(
        "--memory",
        action="store_true",
        help="Measure each phase's peak Python memory under tracemalloc instead of timing it (it slows Python several "
        "times). Needs an empty database of its own, like a timed run.",
    )
    return parser
