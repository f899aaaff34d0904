"""Shared start-up for benchmark scripts (Django on the database named by DATABASE_URL), and timing by phase."""

import os
import sys
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
