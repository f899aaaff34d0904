"""The status table in effective time equals a replay of the ledger and the roster, day by day, for random histories
played through the real services: backdated completions, corrections, moves dated in the past, leavers, pauses and
HR's changes to requirements (each day on the requirement's terms that day, from its history). Kept up to date fact
by fact, and rebuilt whole by `rebuild_status`, it is the same."""

import datetime
import itertools

from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.compliance import projection
from portal.compliance.dates import local_day
from portal.compliance.models import (
    EvidenceEntry,
    ReattestationRound,
    Requirement,
    RequirementChange,
    StatusInterval,
    levels_above_among,
)
from portal.compliance.requirement_history import recorded_order
from portal.people.history import staff_changes_record
from portal.people.models import StaffChange, StaffMember, Team
from tests.compliance.histories import EVENTS, organisation, play

FIRST_DAY = datetime.date(2023, 12, 1)  # before anyone in `histories.organisation` started


def _days():
    return [FIRST_DAY + datetime.timedelta(days=n) for n in range((timezone.localdate() - FIRST_DAY).days + 400)]


# A move dated in the past, as a roster file with an Effective Date records it: who, to which team, how long ago.
DATED_MOVES = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 1000)), max_size=4)


def _dated_move(member, team, days_ago: int) -> None:
    today = timezone.localdate()
    member.team = team
    member.staff_group = "Nursing" if team.name.endswith("2") else "Administrative and Clerical"
    member.save()
    effective = max(member.start_date, today - datetime.timedelta(days=days_ago))
    staff_changes_record([member], effective=effective)
    projection.refresh(staff_ids=[member.pk])


def _table() -> dict:
    """(person, requirement) -> [(first day, first day after, values)], from the table."""
    runs = {}
    for row in StatusInterval.objects.order_by("valid_from"):
        values = (row.state, row.compliant, row.team_id, row.staff_group, row.completed_on, row.expires_on, row.due_on)
        runs.setdefault((row.staff_id, row.requirement_id), []).append((row.valid_from, row.valid_to, values))
    return runs


def _from_table(runs, day):
    for first, after, values in runs:
        if first <= day < after:
            return values
    return None


def _roster_on(changes, day):
    """The replay's own reading of the roster: of the rows in effect by `day`, the one recorded last; before any,
    the first."""
    effective = [c for c in changes if c.effective_day <= day]
    if effective:
        return max(effective, key=lambda c: (c.recorded_at, c.pk))
    first_day = min(c.effective_day for c in changes)
    return max((c for c in changes if c.effective_day == first_day), key=lambda c: (c.recorded_at, c.pk))


def _fits(requirement, facts, paths, team_paths) -> bool:
    return requirement.applies_to_values(
        facts.staff_group, paths.get(facts.team_id), team_paths, job_title=facts.job_title
    )


def _joined(requirement, changes, paths, team_paths) -> dict:
    """day -> the day the person joined the requirement's audience (the first of the unbroken run of days up to it
    on which the roster put them in it), None while they have been in it since the first day: the replay's own
    walk through the days."""
    joined, since, before = {}, None, True
    for day in _days():
        fits = _fits(requirement, _roster_on(changes, day), paths, team_paths)
        if not fits:
            since, before = None, False
        elif since is None and not before:
            since = day
        joined[day] = since
    return joined


def _replay(
    day, person, requirement, changes, standing, rounds, paths, above, team_paths, pauses, joined=None, terms=None
):
    """What everything known now says the person's state on the requirement was on `day`, straight from the ledger.
    `standing`: the person's completions no correction voids, each with the day it was done; `pauses`: their pauses
    on the requirement (neither depends on the day, so the caller works them out once); `joined`: `_joined`; `terms`:
    the requirement's terms that day, when HR has changed them (who it applies to and when they are due; the
    evidence that counts follows the levels of its family that day: `above`, as `_levels_by_day` gives them)."""
    terms = terms or requirement
    in_post = person.start_date <= day and (person.leave_date is None or day <= person.leave_date)
    facts = _roster_on(changes, day)
    applies = in_post and _fits(terms, facts, paths, team_paths)
    by_requirement = {}
    for done_on, entry in standing:
        if done_on <= day:
            by_requirement.setdefault(entry.requirement_id, []).append(entry)
    counting = projection.entries_counting_for(terms, by_requirement, above)
    latest = max(counting, key=lambda e: (e.completed_at, e.seq), default=None)
    result = projection.standing_from(
        terms,
        on=day,
        applies=applies,
        start_date=person.start_date,
        completed_on=local_day(latest.completed_at) if latest else None,
        completed_at=latest.completed_at if latest else None,
        entry_expires_on=latest.expires_on if latest else None,
        snapshot_id=latest.snapshot_id if latest else None,
        rounds=[r for r in rounds if local_day(r.opened_at) <= day],
        pauses=pauses,
        joined_on=(joined or {}).get(day),
    )
    if not result.required:
        return None
    return (
        result.state(day, 30),
        result.valid_on(day),
        facts.team_id,
        facts.staff_group,
        result.completed_on,
        result.expires_on,
        result.due_on,
    )


def _terms_by_day(requirement) -> list[tuple[datetime.date, Requirement]]:
    """(first day, terms) for each stretch of the requirement's history as it was (the replay's own reading: of the
    rows in effect by a day, the one recorded last; before any, the first), the last stretch on its terms now."""
    rows = sorted(RequirementChange.objects.filter(requirement=requirement), key=recorded_order)
    if not rows:
        return [(datetime.date.min, requirement)]
    stretches = []
    for day in sorted({datetime.date.min, *(row.effective_on or datetime.date.min for row in rows)}):
        in_effect = [row for row in rows if (row.effective_on or datetime.date.min) <= day] or rows[:1]
        stretches.append((day, in_effect[-1].as_requirement()))
    stretches[-1] = (stretches[-1][0], requirement)
    return stretches


def _levels_by_day(requirements) -> list[tuple[datetime.date, dict]]:
    """(first day, the higher levels of each requirement's family then) for each day a requirement's terms changed:
    the replay's own reading of the families from the requirements' terms day by day (`_terms_by_day`)."""
    terms = [_terms_by_day(requirement) for requirement in requirements]
    days = sorted({first for kept in terms for first, _ in kept})
    return [(day, levels_above_among([[t for first, t in kept if first <= day][-1] for kept in terms])) for day in days]


def _assert_table_is_the_replay():
    runs = _table()
    paths = dict(Team.objects.values_list("pk", "path"))
    requirements = list(Requirement.objects.prefetch_related("teams"))
    levels = _levels_by_day(requirements)
    team_paths = {r.pk: [t.path for t in r.teams.all()] for r in requirements}
    for person in StaffMember.objects.all():
        changes = list(StaffChange.objects.filter(staff=person))
        entries = list(EvidenceEntry.objects.filter(staff=person))
        voided = {e.voids_id for e in entries if e.source == EvidenceEntry.VOID}
        standing = [
            (local_day(e.completed_at), e)
            for e in entries
            if e.pk not in voided and e.source not in (EvidenceEntry.VOID, EvidenceEntry.PAUSE)
        ]
        for requirement in requirements:
            rounds = list(ReattestationRound.objects.known().filter(requirement=requirement))  # withdrawn marked
            pauses = projection.pause_spans(entries, requirement.pk)
            mine = runs.get((person.pk, requirement.pk), [])
            # Its terms day by day, from its history (HR's changes take effect the day they are made), each with
            # the teams' paths and the days the person joined its audience on those terms.
            versions = []
            for first, terms in _terms_by_day(requirement):
                kept = getattr(terms, "kept_team_ids", None)
                paths_then = team_paths[requirement.pk] if kept is None else [paths[pk] for pk in kept]
                versions.append((first, terms, paths_then, _joined(terms, changes, paths, paths_then)))
            for first, after, _ in mine[1:]:
                assert first < after
            for day in _days():
                _, terms, paths_then, joined = [v for v in versions if v[0] <= day][-1]
                above = [found for first, found in levels if first <= day][-1]
                expected = _replay(
                    day,
                    person,
                    requirement,
                    changes,
                    standing,
                    rounds,
                    paths,
                    above,
                    paths_then,
                    pauses,
                    joined,
                    terms,
                )
                assert _from_table(mine, day) == expected, (person.pk, requirement.name, day)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=EVENTS, moves=DATED_MOVES)
def test_the_table_equals_a_replay_of_the_ledger_day_by_day(db, person, sequence, moves):
    savepoint = transaction.savepoint()
    try:
        teams, staff, requirements = organisation()
        half = len(sequence) // 2
        play(sequence[:half], teams=teams, staff=staff, requirements=requirements, corrector=person)
        for who, team, days_ago in moves:
            _dated_move(staff[who], teams[team], days_ago)
        play(sequence[half:], teams=teams, staff=staff, requirements=requirements, corrector=person)
        _assert_table_is_the_replay()
        kept = _table()
        StatusInterval.objects.all().delete()
        call_command("rebuild_status", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert _table() == kept
    finally:
        transaction.savepoint_rollback(savepoint)


def test_runs_meet_end_to_end_and_a_backdated_completion_changes_the_past(db, person, record, staff, requirement):
    projection.refresh()
    before = list(StatusInterval.objects.filter(staff=staff, requirement=requirement).order_by("valid_from"))
    assert [run.state for run in before] == ["due_soon", "overdue"]  # a 28-day window from 5 January 2026
    assert before[0].valid_from == staff.start_date
    record("late", completed_at=timezone.make_aware(datetime.datetime(2026, 2, 1, 12)))
    runs = list(StatusInterval.objects.filter(staff=staff, requirement=requirement).order_by("valid_from"))
    assert runs[0].valid_from == staff.start_date and not runs[0].compliant
    on_the_day = next(r for r in runs if r.valid_from == datetime.date(2026, 2, 1))
    assert on_the_day.compliant and on_the_day.completed_on == datetime.date(2026, 2, 1)
    assert all(a.valid_to == b.valid_from for a, b in itertools.pairwise(runs))
    assert runs[-1].valid_to == StatusInterval.FOREVER
