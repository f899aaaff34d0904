"""Checking the status table against the ledger and the roster (`verify_evidence --status`).

Every report, export, evidence pack and the team page read the status projection (`RequirementStatus`, and the runs
in effective time, `StatusInterval`), not the ledger. The portal's own database role must be able to write those
tables, so a hand on that role (or a bug) could make someone look compliant everywhere while the ledger stays
intact. `status_check` works the status out again from the ledger and the roster, as `rebuild_status` would, and
names every person and requirement whose stored row or runs differ; it changes nothing (the rebuild is rolled back).

A status row is judged on the day it was written (`projection.refresh` takes today's date), and nothing rewrites it
when only the calendar moves on: a leaver's row stays after their leave date (the reports leave them out by that
date), and a row shows an ended pause until the daily run rolls it over. A stored row that is what the ledger gave
on such a day, with its runs (which do not depend on the day they are worked out) as the ledger gives them, is
counted as out of date, not as a difference.
"""

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from portal.people.models import StaffMember, Team

from . import ledger, projection
from .intervals import COLUMNS, Facts, joined_on, places_for, roster_of, roster_rows, rules_for
from .models import EvidenceEntry, Requirement, RequirementStatus, StatusInterval

ROW_FIELDS = ("completed_on", "expires_on", "due_on", "evidence_id", "paused_from", "paused_until", "renew_from")
RUN_FIELDS = COLUMNS[2:]  # a run's values after its person and requirement
CHUNK = 2000
RUNS_SHOWN = 4  # of the runs that differ, on each side, in one finding

Pair = tuple[int, int]  # (staff id, requirement id)


@dataclass
class Side:
    """One person's status on one requirement, as stored or as the ledger gives it: the row's values (ROW_FIELDS,
    None for no row) and the sequence number of the entry it rests on, and the runs (RUN_FIELDS)."""

    row: tuple | None = None
    evidence_seq: int | None = None
    runs: list[tuple] = field(default_factory=list)


@dataclass
class Difference:
    staff_id: int
    requirement_id: int
    stored: Side
    given: Side
    described: str = ""


@dataclass
class StatusReport:
    rows: int = 0  # status rows checked (as stored)
    runs: int = 0  # runs in effective time checked (as stored)
    differences: list[Difference] = field(default_factory=list)
    out_of_date: int = 0  # rows the ledger gave on an earlier day, only the calendar having moved on since


def status_check() -> StatusReport:
    """Work the status table out again from the ledger and the roster, compare it with the stored one pair by pair
    (person and requirement), and return every pair that differs, with both sides described. Changes nothing: the
    rebuild runs in a transaction that is rolled back, under the lock every ledger append takes
    (`ledger.everyone_lock`), so nothing is recorded mid-check. Memory holds one digest per pair (and the details of
    the pairs that differ), however many runs there are."""
    today = timezone.localdate()
    report = StatusReport()
    with transaction.atomic():
        ledger.everyone_lock()
        stored, report.rows, report.runs = _digests()
        before_rebuild = transaction.savepoint()
        projection.refresh()  # writes only these two tables, queues nothing, audits nothing: all rolled back below
        given, _, _ = _digests()
        differing = sorted(pair for pair in stored.keys() | given.keys() if stored.get(pair) != given.get(pair))
        given_sides = _sides(differing)
        transaction.savepoint_rollback(before_rebuild)
        stored_sides = _sides(differing)
        stale = _out_of_date(differing, stored_sides, given_sides, today)
        report.out_of_date = len(stale)
        report.differences = [
            Difference(*pair, stored_sides[pair], given_sides[pair]) for pair in differing if pair not in stale
        ]
        transaction.set_rollback(True)  # nothing to undo, but nothing this check did can be kept
    _describe(report.differences)  # names and words only: appends need not wait for them
    return report


def _digests() -> tuple[dict[Pair, int], int, int]:
    """A digest of each pair's status row and runs (a sum of BLAKE2b hashes, so the runs need no order and a
    duplicated run counts twice), and the numbers of rows and runs read: two streamed queries."""
    digests: dict[Pair, int] = defaultdict(int)
    rows = runs = 0
    for table, fields in ((RequirementStatus, ROW_FIELDS), (StatusInterval, RUN_FIELDS)):
        values = table.objects.order_by().values_list("staff_id", "requirement_id", *fields)
        for value in values.iterator(chunk_size=CHUNK):
            pair = value[:2]
            digests[pair] = (digests[pair] + _hash(table, value[2:])) % 2**128
            if table is RequirementStatus:
                rows += 1
            else:
                runs += 1
    return dict(digests), rows, runs


def _hash(table, values: tuple) -> int:
    text = f"{table._meta.model_name}{values!r}".encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=16).digest(), "big")


def _sides(pairs: list[Pair]) -> dict[Pair, Side]:
    """The rows (with their entries' sequence numbers) and runs of `pairs` as the tables hold them now: two queries
    for each CHUNK of people."""
    sides = {pair: Side() for pair in pairs}
    people = sorted({staff_id for staff_id, _ in pairs})
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        rows = RequirementStatus.objects.filter(staff_id__in=chunk).values_list(
            "staff_id", "requirement_id", *ROW_FIELDS, "evidence__seq"
        )
        for value in rows:
            if value[:2] in sides:
                sides[value[:2]].row, sides[value[:2]].evidence_seq = value[2:-1], value[-1]
        runs = StatusInterval.objects.filter(staff_id__in=chunk).values_list("staff_id", "requirement_id", *RUN_FIELDS)
        for value in runs.order_by("staff_id", "requirement_id", "valid_from", "valid_to", "pk"):
            if value[:2] in sides:
                sides[value[:2]].runs.append(value[2:])
    return sides


def _out_of_date(
    pairs: list[Pair], stored: dict[Pair, Side], given: dict[Pair, Side], today: datetime.date
) -> set[Pair]:
    """The pairs whose runs are as the ledger gives them and whose row is what the ledger gave on a day since which
    only the calendar has moved on (`_days_that_explain`). Reads the rules, and the people's roster rows and entries,
    once: five or six queries, for any number of people, and the tree's history when a requirement is set for teams
    (`intervals.places_for`: the projection counts a move of a team into an audience as the day its people joined)."""
    candidates = [pair for pair in pairs if Counter(stored[pair].runs) == Counter(given[pair].runs)]
    if not candidates:
        return set()
    rules = rules_for()
    places = places_for(rules)
    requirements = {r.pk: r for r in rules.requirements}
    ids = sorted({staff_id for staff_id, _ in candidates})
    staff = StaffMember.objects.select_related("team").in_bulk(ids)
    histories = roster_rows(ids)
    entries: dict[int, dict[int, list[EvidenceEntry]]] = defaultdict(lambda: defaultdict(list))
    for entry in EvidenceEntry.objects.filter(staff_id__in=ids, requirement_id__in=rules.counted):
        entries[entry.staff_id][entry.requirement_id].append(entry)
    stale = set()
    for staff_id, requirement_id in candidates:
        person, requirement = staff.get(staff_id), requirements.get(requirement_id)
        if person is None or requirement is None:
            continue
        row = stored[(staff_id, requirement_id)].row
        team_path = person.team.path if person.team else None
        roster, paths = roster_of(
            histories.get(staff_id, ()), Facts(person.team_id, person.staff_group, person.job_title), team_path, places
        )
        team_paths = rules.team_paths[requirement_id]
        for day in _days_that_explain(person, row, today):
            standing, latest = projection.standing_for(
                person,
                requirement,
                projection.entries_counting_for(requirement, entries[staff_id], rules.above),
                rules.rounds[requirement_id],
                team_paths,
                today=day,
                joined_on=joined_on(roster, paths, requirement, team_paths, day, rules.team_ids[requirement_id]),
            )
            if _row_of(standing, latest) == row:
                stale.add((staff_id, requirement_id))
                break
    return stale


def _days_that_explain(person, row: tuple | None, today: datetime.date) -> Iterable[datetime.date]:
    """The days before today on which a row last written then could be right and be left as it was since: the
    person's last day in post (the reports leave them out from the day after), the last day of the pause the row
    shows (the daily run moves the row on, `pauses.pauses_roll_over`). A requirement cannot be introduced on a day
    to come (`Requirement.clean`), and retiring one refreshes its rows that day, so neither leaves a row behind."""
    days = {person.leave_date}
    if row is not None:
        days.add(row[ROW_FIELDS.index("paused_until")])
    return sorted(day for day in days if day is not None and day < today)


def _row_of(standing, latest) -> tuple | None:
    if not standing.required:
        return None
    return (
        standing.completed_on,
        standing.expires_on,
        standing.due_on,
        latest.pk if latest else None,
        standing.paused_from,
        standing.paused_until,
        standing.renew_from,
    )


def _describe(differences: list[Difference]) -> None:
    """Fill in each difference's sentence, naming the person (assignment number and name), the requirement and the
    teams the runs name: three queries."""
    people = StaffMember.objects.in_bulk({d.staff_id for d in differences})
    requirements = Requirement.objects.in_bulk({d.requirement_id for d in differences})
    team_ids = {run[RUN_FIELDS.index("team_id")] for d in differences for run in [*d.stored.runs, *d.given.runs]}
    teams = {pk: team.name for pk, team in Team.objects.in_bulk(team_ids - {None}).items()}
    for difference in differences:
        person = people[difference.staff_id]
        whose = (
            f"Status of {person.employee_number} {person.full_name} on "
            f"'{requirements[difference.requirement_id].name}' differs from the ledger"
        )
        parts = []
        stored, given = difference.stored, difference.given
        if (stored.row, stored.evidence_seq) != (given.row, given.evidence_seq):
            parts.append(f"stored {_row_words(stored)}; the ledger gives {_row_words(given)}")
        if Counter(stored.runs) != Counter(given.runs):
            parts.append(_runs_words(stored.runs, given.runs, teams))
        difference.described = f"{whose}: {'. '.join(parts)}."


def _row_words(side: Side) -> str:
    if side.row is None:
        return "no status row"
    completed_on, expires_on, due_on, _, paused_from, paused_until, renew_from = side.row
    words = [f"completed {completed_on}" if completed_on else "not completed"]
    if expires_on:
        words.append(f"expires {expires_on}")
    if due_on != expires_on or not completed_on:
        words.append(f"due {due_on}" if due_on else "no due date")
    if paused_from:
        words.append(f"paused {paused_from} to {paused_until or 'no return date'}")
    if renew_from:
        words.append(f"asked again from {renew_from}")
    if side.evidence_seq is not None:
        words.append(f"on ledger entry #{side.evidence_seq}")
    return ", ".join(words)


def _runs_words(stored: list[tuple], given: list[tuple], teams: dict[int, str]) -> str:
    only_stored, only_given = _less(stored, given), _less(given, stored)
    words = [f"its runs in effective time differ ({len(stored)} stored, {len(given)} from the ledger)"]
    if only_stored:
        words.append("stored but not from the ledger: " + _runs_listed(only_stored, teams))
    if only_given:
        words.append("from the ledger but not stored: " + _runs_listed(only_given, teams))
    return "; ".join(words)


def _less(runs: list[tuple], other: list[tuple]) -> list[tuple]:
    """The runs of `runs` not in `other`, counting a run held twice twice."""
    left = Counter(other)
    kept = []
    for run in runs:
        if left[run]:
            left[run] -= 1
        else:
            kept.append(run)
    return kept


def _runs_listed(runs: list[tuple], teams: dict[int, str]) -> str:
    shown = [_run_words(run, teams) for run in runs[:RUNS_SHOWN]]
    if len(runs) > RUNS_SHOWN:
        shown.append(f"and {len(runs) - RUNS_SHOWN} more")
    return "; ".join(shown)


def _run_words(run: tuple, teams: dict[int, str]) -> str:
    valid_from, valid_to, state, compliant, team_id, staff_group, completed_on, expires_on, due_on = run
    until = "on" if valid_to == StatusInterval.FOREVER else f"to {valid_to - datetime.timedelta(days=1)}"
    words = [f"{valid_from} {until} {state}{' (compliant)' if compliant else ' (not compliant)'}"]
    words += [
        f"{name} {day}" for name, day in (("completed", completed_on), ("expires", expires_on), ("due", due_on)) if day
    ]
    words.append(f"in {teams.get(team_id, 'no team')}" + (f", {staff_group}" if staff_group else ""))
    return ", ".join(words)
