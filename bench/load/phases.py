"""A run's phases: clients started together for a window (`run_phase`), or signed in first and then let go
(`SubmissionsPhase`), and what each recorded (`Phase`)."""

import collections
import time

from loadclient import Client, Request, SubmitClient, Window
from postgres import Restart


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
