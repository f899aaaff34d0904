"""The status projection: one row per person and requirement, derived from the ledger and the roster.

`standing_for` is the single rule that turns ledger entries into dates; both the incremental update (after each
ledger append) and `rebuild_status` use it, so they cannot drift apart.
"""

import copy
import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from portal.people.models import StaffMember, Team
from portal.people.team_history import tree_history

from . import status
from .dates import add_months, local_day
from .models import EvidenceEntry, ReattestationRound, Requirement, RequirementStatus, job_title_regex


def entries_counting_for(
    requirement: Requirement,
    entries_by_requirement: Mapping[int, list[EvidenceEntry]],
    above: Mapping[int, list[Requirement]],
) -> list[EvidenceEntry]:
    """The entries that count towards `requirement`: its own, and those of the higher levels of its family
    (`Requirement.objects.levels_above()`), which satisfy it with the higher level's completion day and expiry (an
    expiry the entry does not state is the higher level's renewal period from its completion)."""
    entries = list(entries_by_requirement.get(requirement.pk, ()))
    for higher in above.get(requirement.pk, ()):
        entries += [_with_expiry(entry, higher) for entry in entries_by_requirement.get(higher.pk, ())]
    return entries


def _with_expiry(entry: EvidenceEntry, requirement: Requirement) -> EvidenceEntry:
    if entry.expires_on or entry.completed_at is None or not requirement.renewal_months:
        return entry
    counted = copy.copy(entry)  # read only: ledger rows are never saved twice (the triggers would refuse it)
    counted.expires_on = add_months(local_day(entry.completed_at), requirement.renewal_months)
    return counted


def valid_entries(entries: Iterable[EvidenceEntry]) -> list[EvidenceEntry]:
    """Completions that still count: not corrections, not pauses, and not voided by a later correction."""
    entries = list(entries)
    voided = {e.voids_id for e in entries if e.source == EvidenceEntry.VOID}
    skip = {EvidenceEntry.VOID, EvidenceEntry.PAUSE}
    return [e for e in entries if e.source not in skip and e.pk not in voided]


def pause_spans(entries: Iterable[EvidenceEntry], requirement_id: int) -> list[status.Span]:
    """The pauses of `requirement_id` among `entries` that no correction has voided, as (first day, last day)."""
    entries = list(entries)
    voided = {e.voids_id for e in entries if e.source == EvidenceEntry.VOID}
    return [
        (local_day(e.completed_at), e.expires_on)
        for e in entries
        if e.source == EvidenceEntry.PAUSE and e.requirement_id == requirement_id and e.pk not in voided
    ]


def standing_for(
    staff: StaffMember,
    requirement: Requirement,
    entries: Iterable[EvidenceEntry],
    rounds: Iterable[ReattestationRound] = (),
    team_paths: list[str] | None = None,
    today: datetime.date | None = None,
    pauses: Iterable[status.Span] | None = None,
    joined_on: datetime.date | None = None,
    place: tuple[int, ...] | None = None,
    team_ids: Iterable[int] = (),
) -> tuple[status.Standing, EvidenceEntry | None]:
    """`staff` is anything with the roster facts a StaffMember has (team, staff_group, start_date, leave_date): a
    StaffChange row serves for the roster as it was on a past day, with `today` set to that day, and its team's
    `place` in the tree that day with the requirement's `team_ids` (`Requirement.applies_to_values`). The person's
    pauses are read from `entries` (their own requirement's only), unless given as `pauses`. `joined_on`: the day
    they joined the requirement's audience, as their roster history says (`intervals.joined_on`)."""
    today = today or timezone.localdate()
    entries = list(entries)
    if pauses is None:
        pauses = pause_spans(entries, requirement.pk)
    applies = (staff.leave_date is None or staff.leave_date >= today) and requirement.applies_to(
        staff, team_paths, place=place, team_ids=set(team_ids)
    )
    latest = None
    if applies:
        latest = max(valid_entries(entries), key=_recorded_order, default=None)
    standing = standing_from(
        requirement,
        on=today,
        applies=applies,
        start_date=staff.start_date,
        joined_on=joined_on,
        completed_on=local_day(latest.completed_at) if latest else None,
        completed_at=latest.completed_at if latest else None,
        entry_expires_on=latest.expires_on if latest else None,
        snapshot_id=latest.snapshot_id if latest else None,
        rounds=rounds,
        pauses=pauses,
    )
    return standing, latest


def _recorded_order(entry: EvidenceEntry) -> tuple:
    """The latest completion wins, and of two on one day the later in the chain; an entry being recorded now (no
    place in the chain yet: see `ledger.prepare`) comes after every one already there."""
    return (entry.completed_at, entry.seq if entry.seq is not None else math.inf)


def standing_from(
    requirement: Requirement,
    *,
    on: datetime.date,
    applies: bool,
    start_date: datetime.date,
    completed_on: datetime.date | None,
    completed_at: datetime.datetime | None,
    entry_expires_on: datetime.date | None,
    snapshot_id: int | None,
    rounds: Iterable[ReattestationRound] = (),
    pauses: Iterable[status.Span] = (),
    joined_on: datetime.date | None = None,
) -> status.Standing:
    """The rule itself, on plain values: the day it is judged on, whether the requirement's audience takes in the
    person, the latest valid completion's day (None if there is none), the expiry its source stated, and the policy
    version it attested, with the moment of that completion (`completed_at`: a round opened later the same day
    outdates it, `ReattestationRound.outdates`). Shared by the projection and the reports as at a date.

    Before the day a requirement was introduced it applies to no one. A person comes under it on the latest of their
    start, its introduction and `joined_on`, the first day of the unbroken stretch up to `on` in which their roster
    facts (team, staff group, job title) put them in its audience (`intervals.Roster.audience_since`; None when
    that is since before their start). A person not yet done is due at the end of the new-starter window from that
    day (`Requirement.first_due_on`), and so is one whose completion runs out, or whom a re-attestation round asks
    again, before then: a completion from a previous post, or from before its introduction or their move into its
    audience, makes nobody due sooner than one who had never done it.

    Pauses stop the clock: the due date moves later by the paused days inside the window that set it
    (`status.due_after_pauses`), and the pause in force on `on` (or the next) is kept to show "Paused until".

    A re-attestation round that outdates the completion (`ReattestationRound.outdates`) and brings its expiry forward
    to the round's deadline asks the person to do it again: the day the first such round opened is kept as
    `renew_from`, from which the evidence, still in date, shows "Due soon" (`status.state_on`)."""
    if not applies or not requirement.in_force_on(on):
        return status.Standing(False, None, None, None)
    pauses = list(pauses)
    shown = status.pause_shown(on, pauses)
    if joined_on is not None and joined_on <= start_date:
        joined_on = None  # in its audience from their start: their start counts, as for anyone
    came_under = max(start_date, requirement.introduced_on, joined_on or start_date)
    window_end = requirement.first_due_on(start_date, joined_on)
    if completed_on is None:
        return status.Standing(True, None, None, status.due_after_pauses(window_end, came_under, pauses), *shown)
    window_start = completed_on
    expires_on = entry_expires_on
    if expires_on is None and requirement.renewal_months:
        expires_on = add_months(completed_on, requirement.renewal_months)
    renew_from = None
    # In the order they opened, however they were read, so that of two with one deadline the first sets the window.
    rounds = sorted(rounds, key=lambda r: r.opened_at)
    # A round whose version says what they attested (`not_asked_again`) answers every round before it: only the
    # rounds opened after the last such one ask them again, by their own deadlines. A withdrawn round (read through
    # `RoundQuerySet.known`) asks nobody, but its version is still the text in force: it releases them all the same,
    # as the "what changed" notices, comparing what they attested with the version in force, find nothing to tell.
    released = [n for n, round_ in enumerate(rounds) if round_.releases(kind=requirement.kind, snapshot_id=snapshot_id)]
    if released:
        rounds = rounds[released[-1] + 1 :]
    for round_ in (r for r in rounds if not r.withdrawn_then):
        # A material change since this person's evidence: they must attest (or complete the module) again by the
        # deadline. The first round to bring the expiry forward asks them from the day it opened.
        if round_.outdates(kind=requirement.kind, snapshot_id=snapshot_id, completed_at=completed_at):
            if expires_on is None or round_.deadline < expires_on:
                window_start = max(completed_on, local_day(round_.opened_at))
                renew_from = renew_from or local_day(round_.opened_at)
            expires_on = min(expires_on, round_.deadline) if expires_on else round_.deadline
    due_on = expires_on
    if due_on is not None and window_end > due_on:
        due_on, window_start = window_end, came_under
    due_on = status.due_after_pauses(due_on, window_start, pauses)
    return status.Standing(True, completed_on, expires_on, due_on, *shown, renew_from=renew_from)


def audience_ids(requirement: Requirement) -> set[int]:
    """The people still in post whom `requirement` applies to: `Requirement.applies_to` as one query."""
    if not requirement.active:
        return set()
    people = StaffMember.objects.filter(Q(leave_date__isnull=True) | Q(leave_date__gte=timezone.localdate()))
    if not requirement.applies_to_everyone:
        in_audience = Q(staff_group__in=[group for group in requirement.staff_groups if group])
        for path in requirement.teams.values_list("path", flat=True):
            in_audience |= Q(team__path__startswith=path)
        for pattern in requirement.job_title_patterns:
            # A regular expression, not istartswith/icontains: SQLite's LIKE folds the case of ASCII letters only,
            # so "ÉCOLE*" would match differently in Python and SQL; REGEXP on SQLite is Python's own `re`.
            in_audience |= Q(job_title__iregex=job_title_regex(pattern))
        people = people.filter(in_audience)
    return set(people.values_list("pk", flat=True))


def _save(staff, requirement, standing: status.Standing, latest) -> None:
    if not standing.required:
        RequirementStatus.objects.filter(staff=staff, requirement=requirement).delete()
        return
    values = {
        "completed_on": standing.completed_on,
        "expires_on": standing.expires_on,
        "due_on": standing.due_on,
        "evidence": latest,
        "paused_from": standing.paused_from,
        "paused_until": standing.paused_until,
        "renew_from": standing.renew_from,
    }
    # One statement (INSERT ... ON CONFLICT DO UPDATE on the one row per person and requirement), not a locked read,
    # then an insert or an update, in savepoints: the caller holds the person's lock (`ledger.people_lock`).
    RequirementStatus.objects.bulk_create(
        [RequirementStatus(staff=staff, requirement=requirement, **values)],
        update_conflicts=True,
        unique_fields=["staff", "requirement"],
        update_fields=[*values, "updated_at"],
    )


def refresh_pair(staff: StaffMember, requirement: Requirement, pending: Iterable[EvidenceEntry] = ()) -> None:
    """Recompute one person's row for one requirement, and for the lower levels of its family, which its evidence
    also satisfies, and their runs; called in the ledger append's transaction, holding the person's lock, with the
    entries being recorded (`ledger.prepare`, not yet sealed) as `pending`.

    The person is judged as read here, after the lock, not as the caller read them: a caller reads the person before
    taking the lock (`staff_for_user`), or knows only their id (`module_completion_evidence`), and a roster apply
    moving them meanwhile would leave their row following the old team while their runs followed the new one. The
    rows and the runs come from one reading of the person, of their entries, and of the requirement's teams and
    rounds (prefetched by `intervals.requirements_read` when the caller read the requirement that way)."""
    from .intervals import (
        Facts,
        joined_on,
        person_intervals_rebuild,
        person_read,
        places_for,
        roster_of,
        rules_for,
        rules_of,
    )

    pending = list(pending)
    person = person_read(staff.pk)
    if person[0] is not None:
        staff = _as_read(staff, person[0])
    # With the levels below it, and those above whose evidence counts (then and now), when it is or was in a family.
    rules = rules_for([requirement.pk]) if requirement.level_family else rules_of([requirement])
    recorded = EvidenceEntry.objects.filter(staff=staff, requirement_id__in=rules.counted)
    entries = [*recorded, *pending]
    by_requirement = defaultdict(list)
    for entry in entries:
        by_requirement[entry.requirement_id].append(entry)
    roster, paths = None, {}
    places = places_for(rules)  # the day they joined a team's audience: a move of their team counts
    if person[0] is not None:
        _, _, _, team_id, staff_group, job_title, team_path = person[0]
        roster, paths = roster_of(
            person[1].get(staff.pk, ()), Facts(team_id, staff_group, job_title), team_path, places
        )
    today = timezone.localdate()
    for member in rules.requirements:
        counting = entries_counting_for(member, by_requirement, rules.above)
        team_paths = rules.team_paths[member.pk]
        joined = (
            joined_on(roster, paths, member, team_paths, today, rules.team_ids[member.pk])
            if roster is not None
            else None
        )
        standing, latest = standing_for(
            staff, member, counting, rules.rounds[member.pk], team_paths, today=today, joined_on=joined
        )
        _save(staff, member, standing, latest)
    person_intervals_rebuild(staff.pk, rules, entries, person, places)


def _as_read(staff: StaffMember, row: tuple) -> StaffMember:
    """A copy of `staff` with the roster facts of `row` (`intervals.PERSON_FIELDS`): the caller's copy is left as
    it was."""
    _, start_date, leave_date, team_id, staff_group, job_title, team_path = row
    fresh = copy.copy(staff)
    fresh.start_date, fresh.leave_date = start_date, leave_date
    fresh.staff_group, fresh.job_title = staff_group, job_title
    fresh.team = Team(pk=team_id, path=team_path) if team_id is not None else None
    return fresh


def refresh(
    staff_ids: Iterable[int] | None = None,
    requirement_ids: Iterable[int] | None = None,
    pending: Iterable[EvidenceEntry] = (),
) -> int:
    """Recompute the projection for some people and/or requirements (all when None), counting `pending` entries
    (prepared, not yet sealed) as recorded. Call holding `ledger.people_lock` on the people. Returns rows written."""
    from .intervals import Facts, joined_on, roster_of, roster_rows

    staff_ids = None if staff_ids is None else list(staff_ids)
    requirement_ids = None if requirement_ids is None else list(requirement_ids)
    pending = list(pending)
    waiting = defaultdict(list)
    for entry in pending:
        waiting[entry.staff_id].append(entry)
    staff_qs = StaffMember.objects.select_related("team")
    if staff_ids is not None:
        staff_qs = staff_qs.filter(pk__in=list(staff_ids))
    # A withdrawn round asks nothing, but still releases (`standing_from`).
    known = Prefetch("rounds", queryset=ReattestationRound.objects.known())
    requirements = list(Requirement.objects.prefetch_related("teams", known))
    if requirement_ids is not None:
        wanted = set(requirement_ids)
        requirements = [r for r in requirements if r.pk in wanted]
    team_paths = {r.pk: [t.path for t in r.teams.all()] for r in requirements}
    team_ids = {r.pk: {t.pk for t in r.teams.all()} for r in requirements}
    # The day someone joined a team's audience counts a move of their team too (`intervals.places_for`).
    places = tree_history() if any(team_ids.values()) else None
    rounds = {r.pk: list(r.rounds.all()) if r.kind in Requirement.ROUND_KINDS else [] for r in requirements}
    above = Requirement.objects.levels_above()
    counted = {r.pk for r in requirements} | {h.pk for r in requirements for h in above.get(r.pk, ())}
    # Who joined an audience when (`intervals.joined_on`) matters only for requirements not everyone must do.
    by_audience = any(not r.applies_to_everyone for r in requirements)
    today = timezone.localdate()
    written = 0
    with transaction.atomic():
        for staff_chunk in _chunks(staff_qs.order_by("pk"), 500):
            ids = [s.pk for s in staff_chunk]
            histories = roster_rows(ids) if by_audience else {}
            entries = defaultdict(lambda: defaultdict(list))
            for entry in [
                *EvidenceEntry.objects.filter(staff_id__in=ids, requirement_id__in=counted),
                *(entry for pk in ids for entry in waiting.get(pk, ())),
            ]:
                entries[entry.staff_id][entry.requirement_id].append(entry)
            existing = {
                (row.staff_id, row.requirement_id): row
                for row in RequirementStatus.objects.filter(staff_id__in=ids, requirement__in=requirements)
            }
            to_create, to_update, to_delete = [], [], []
            for staff in staff_chunk:
                now = Facts(staff.team_id, staff.staff_group, staff.job_title)
                roster, paths = roster_of(
                    histories.get(staff.pk, ()), now, staff.team.path if staff.team else None, places
                )
                for requirement in requirements:
                    key = (staff.pk, requirement.pk)
                    standing, latest = standing_for(
                        staff,
                        requirement,
                        entries_counting_for(requirement, entries[staff.pk], above),
                        rounds[requirement.pk],
                        team_paths[requirement.pk],
                        today=today,
                        joined_on=joined_on(
                            roster, paths, requirement, team_paths[requirement.pk], today, team_ids[requirement.pk]
                        ),
                    )
                    row = existing.get(key)
                    if not standing.required:
                        if row:
                            to_delete.append(row.pk)
                        continue
                    values = {
                        "completed_on": standing.completed_on,
                        "expires_on": standing.expires_on,
                        "due_on": standing.due_on,
                        "evidence_id": latest.pk if latest else None,
                        "paused_from": standing.paused_from,
                        "paused_until": standing.paused_until,
                        "renew_from": standing.renew_from,
                    }
                    if row is None:
                        to_create.append(RequirementStatus(staff=staff, requirement=requirement, **values))
                    elif any(getattr(row, k) != v for k, v in values.items()):
                        for k, v in values.items():
                            setattr(row, k, v)
                        to_update.append(row)
            RequirementStatus.objects.filter(pk__in=to_delete).delete()
            RequirementStatus.objects.bulk_create(to_create, batch_size=1000)
            RequirementStatus.objects.bulk_update(
                to_update,
                ["completed_on", "expires_on", "due_on", "evidence_id", "paused_from", "paused_until", "renew_from"],
                batch_size=1000,
            )
            written += len(to_create) + len(to_update) + len(to_delete)
        _intervals(staff_ids, requirement_ids, pending, places)
    return written


def _intervals(staff_ids, requirement_ids, pending, places) -> None:
    """The same people's runs in effective time (`intervals`), in the same transaction."""
    from .intervals import intervals_rebuild

    intervals_rebuild(staff_ids, requirement_ids, pending, places=places)


def _chunks(queryset, size):
    chunk = []
    for item in queryset.iterator(chunk_size=size):
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
