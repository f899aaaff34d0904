"""Bringing a database from an earlier release up to date after `migrate`, so that nobody has to remember a step.

The status table in effective time (`StatusInterval`) came after the status projection: a database upgraded from
before it has everyone's status and none of their runs, and every report "as it was" would read nobody. After each
`migrate`, the runs of anyone who has status rows but no run at all are built from the ledger and the roster, as
`rebuild_status` would.

Status rows came to keep the day a re-attestation round asked for something again (`RequirementStatus.renew_from`,
migration 0017) after rounds had been opened: a database from before it shows everyone a round outdates as
"Compliant" until the due-soon window, in their status rows and in their runs. After each `migrate`, the rows and runs
of anyone a round asks again whose rows or runs do not say so are rebuilt too (`people_asked_again`); and the
`migrate` that adds the column rebuilds everyone with a status row or run on a requirement some round was opened on
(`RENEW_FROM_ADDED`), so no history from before it stays behind, whatever pauses it crossed (`verify_evidence --status`
would otherwise report those runs the first time it ran).

Runs on a requirement set for teams came to follow the team tree and the requirement's terms as they stood on each
day (be7fdbf, and migration 0021's requirement history) after runs had been written with the tree of the day they
were built: someone whose team moved into or out of such a requirement's teams had runs saying it applied to them
(or not) before the move too. The `migrate` that adds the requirement history (`TERMS_BY_DAY_ADDED`) rebuilds
everyone with a status row or run on a requirement set for teams, as `rebuild_status` would.

Runs came to count a higher level's evidence towards a lower one by the level families as they stood on each day
(migration 0022) after runs had been written with the families of the day they were built: someone on a level that
joined or left a family, or whose family's levels changed, had runs counting their evidence by the new family on the
days before too. The `migrate` that applies 0022 (`LEVELS_BY_DAY_ADDED`) rebuilds everyone with a status row or run on
a requirement of a family whose levels changed in the history, as `rebuild_status` would.

A completion that runs out before the end of someone's new-starter window counted from their start (a certificate or
an import from a previous post), or a re-attestation round's deadline before it, came to leave them due at the end of
that window (migration 0023) after rows and runs had been written due on the earlier day: overdue from their first
days. The `migrate` that applies 0023 (`WINDOW_FROM_START_ADDED`) rebuilds everyone with a status row or run and such
a completion (`people_with_evidence_run_out_in_their_window`), as `rebuild_status` would.

On a database that is up to date (and on an empty one) this is four queries.
"""

import datetime
from collections import defaultdict

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from . import status
from .dates import add_months
from .intervals import intervals_rebuild
from .ledger import people_lock
from .models import (
    EvidenceEntry,
    ReattestationRound,
    Requirement,
    RequirementChange,
    RequirementStatus,
    RoundWithdrawal,
    StatusInterval,
)
from .projection import refresh


def people_without_runs() -> list[int]:
    """People with a status row but no run in effective time: their history was never built."""
    # NOT EXISTS, an anti-join on the (staff, requirement, valid_from) index: NOT IN over the whole table ran for
    # more than 26 minutes on PostgreSQL against a 10,000-person trust's 617,001 runs.
    built = StatusInterval.objects.filter(staff_id=OuterRef("staff_id"))
    return list(
        RequirementStatus.objects.filter(~Exists(built))
        .order_by("staff_id")
        .values_list("staff_id", flat=True)
        .distinct()
    )


def people_asked_again() -> list[int]:
    """People a re-attestation round asks to do something again whose status rows or runs do not say so, as rows and
    runs written before `renew_from` was kept say it (two queries):

    - a status row with no `renew_from` whose expiry is the deadline of a round that outdates its evidence
      (`ReattestationRound.outdates`), when that deadline comes before the expiry the evidence would have had
      without the round (worked out here, on the few rows found: evidence that runs out on the deadline itself is
      not asked again, `projection.standing_from`);
    - a "Compliant" run that begins on the day such a round opened, with its deadline as the expiry, resting on a
      completion from before then: the days between a round opening and the person attesting again, which now show
      "Due soon". (Of someone paused on the day a round opened who has attested again since, the days between the
      pause and the attestation are not found here: the migrate that added the column rebuilt everyone on a
      requirement with a round, `RENEW_FROM_ADDED`.)
    """
    # Only the requirements some round in force was opened on (most have none): the rest of both tables is never
    # read. A withdrawn round asks nobody again (`RoundQuerySet.in_force`).
    with_rounds = ReattestationRound.objects.in_force().values("requirement_id")
    outdating = _outdating_rounds(deadline=OuterRef("expires_on"))
    rows = RequirementStatus.objects.filter(
        outdating,
        requirement_id__in=with_rounds,
        renew_from__isnull=True,
        completed_on__isnull=False,
        expires_on__isnull=False,
    ).values_list(
        "staff_id",
        "requirement_id",
        "completed_on",
        "expires_on",
        "requirement__renewal_months",
        "evidence__requirement_id",
        "evidence__requirement__renewal_months",
        "evidence__expires_on",
    )
    people = {row[0] for row in rows.iterator(chunk_size=2000) if _brought_forward(*row[1:])}
    zone = timezone.get_current_timezone()
    opened_that_day = (
        ReattestationRound.objects.in_force()
        .annotate(day=TruncDate("opened_at", tzinfo=zone))
        .filter(
            requirement_id=OuterRef("requirement_id"),
            requirement__kind__in=Requirement.ROUND_KINDS,
            deadline=OuterRef("expires_on"),
            day=OuterRef("valid_from"),
            day__gte=OuterRef("completed_on"),
        )
    )
    runs = StatusInterval.objects.filter(
        Exists(opened_that_day), requirement_id__in=with_rounds, state=status.COMPLIANT
    )
    people.update(runs.order_by().values_list("staff_id", flat=True).distinct())
    return sorted(people)


RENEW_FROM_ADDED = ("compliance", "0017_status_renew_from")


def people_on_requirements_with_rounds() -> list[int]:
    """Everyone with a status row or a run on a requirement some re-attestation round was opened on (two queries)."""
    with_rounds = ReattestationRound.objects.values("requirement_id")
    people = set(RequirementStatus.objects.filter(requirement_id__in=with_rounds).values_list("staff_id", flat=True))
    runs = StatusInterval.objects.filter(requirement_id__in=with_rounds).order_by().values_list("staff_id", flat=True)
    people.update(runs.distinct())
    return sorted(people)


TERMS_BY_DAY_ADDED = ("compliance", "0021_requirement_history")


def people_on_requirements_for_teams() -> list[int]:
    """Everyone with a status row or a run on a requirement set for teams (two queries)."""
    for_teams = Requirement.objects.filter(applies_to_everyone=False, teams__isnull=False).values("pk")
    people = set(RequirementStatus.objects.filter(requirement_id__in=for_teams).values_list("staff_id", flat=True))
    runs = StatusInterval.objects.filter(requirement_id__in=for_teams).order_by().values_list("staff_id", flat=True)
    people.update(runs.distinct())
    return sorted(people)


LEVELS_BY_DAY_ADDED = ("compliance", "0022_levels_by_day")


def people_on_families_changed() -> list[int]:
    """Everyone with a status row or a run on a requirement of a level family whose levels changed in the requirement
    history (a level joined or left it, or changed its level or renewal period), now or then: four queries, three when
    none changed."""
    kept = defaultdict(set)
    for pk, family, level, months in RequirementChange.objects.values_list(
        "requirement_id", "level_family", "level", "renewal_months"
    ):
        kept[pk].add((family, level, months))
    families = {family for terms in kept.values() if len(terms) > 1 for family, _, _ in terms if family}
    if not families:
        return []
    in_them = {pk for pk, terms in kept.items() if any(family in families for family, _, _ in terms)}
    in_them |= set(Requirement.objects.filter(level_family__in=families).values_list("pk", flat=True))
    people = set(RequirementStatus.objects.filter(requirement_id__in=in_them).values_list("staff_id", flat=True))
    runs = StatusInterval.objects.filter(requirement_id__in=in_them).order_by().values_list("staff_id", flat=True)
    people.update(runs.distinct())
    return sorted(people)


WINDOW_FROM_START_ADDED = ("compliance", "0023_window_from_start")


def people_with_evidence_run_out_in_their_window() -> list[int]:
    """Everyone with a status row or run and a completion that runs out (the expiry it states, else its requirement's
    renewal period from it), or that a round opened after it asks for again by a deadline, before the end of their
    new-starter window counted from their start (`projection.standing_from`; a higher level's completion by the
    longest window in its family, which it also counts for). Three queries: the completions from before the longest
    window could end are read, and the few that run out inside their own are found here."""
    requirements = list(Requirement.objects.values_list("pk", "new_starter_days", "renewal_months", "level_family"))
    if not requirements:
        return []
    longest = defaultdict(int)
    for _, days, _, family in requirements:
        longest[family] = max(longest[family], days)
    window = {pk: datetime.timedelta(days=longest[family] if family else days) for pk, days, _, family in requirements}
    months = {pk: renewal_months for pk, _, renewal_months, _ in requirements}
    deadlines = defaultdict(list)
    for requirement_id, opened_at, deadline in ReattestationRound.objects.in_force().values_list(
        "requirement_id", "opened_at", "deadline"
    ):
        deadlines[requirement_id].append((opened_at, deadline))
    with_status = Exists(RequirementStatus.objects.filter(staff_id=OuterRef("staff_id"))) | Exists(
        StatusInterval.objects.filter(staff_id=OuterRef("staff_id"))
    )
    entries = (
        EvidenceEntry.objects.exclude(source__in=[EvidenceEntry.VOID, EvidenceEntry.PAUSE])
        .annotate(day=TruncDate("completed_at", tzinfo=timezone.get_current_timezone()))
        # On or before, not before: on SQLite the sum is a datetime's text, which a day's text sorts before.
        .filter(with_status, day__lte=F("staff__start_date") + max(window.values()))
        .order_by()
        .values_list("staff_id", "requirement_id", "day", "completed_at", "expires_on", "staff__start_date")
    )
    people = set()
    for staff_id, requirement_id, day, completed_at, expires_on, start_date in entries.iterator(chunk_size=2000):
        renewal_months = months[requirement_id]
        runs_out = [expires_on or (add_months(day, renewal_months) if renewal_months else None)]
        runs_out += [deadline for opened_at, deadline in deadlines[requirement_id] if opened_at > completed_at]
        if any(last is not None and last < start_date + window[requirement_id] for last in runs_out):
            people.add(staff_id)
    return sorted(people)


def _applied(plan, migration_key: tuple[str, str]) -> bool:
    """Whether this `migrate` applied the migration `migration_key` (the plan post_migrate is given)."""
    return any(
        (migration.app_label, migration.name) == migration_key and not backwards for migration, backwards in plan or ()
    )


def _renew_from_added(plan) -> bool:
    """Whether this `migrate` applied the migration adding `renew_from`."""
    return _applied(plan, RENEW_FROM_ADDED)


def _outdating_rounds(**match) -> Q:
    """Status rows (through their evidence) that a round on their requirement matching `match` outdates, as
    `ReattestationRound.outdates` says: an attestation to an earlier version, a module completed before it opened."""
    rounds = ReattestationRound.objects.in_force().filter(requirement_id=OuterRef("requirement_id"), **match)
    attested = Coalesce(OuterRef("evidence__snapshot_id"), Value(0), output_field=IntegerField())
    return Q(Exists(rounds.filter(snapshot_id__gt=attested)), requirement__kind=Requirement.ATTEST_POLICY) | Q(
        Exists(rounds.filter(opened_at__gt=OuterRef("evidence__completed_at"))),
        requirement__kind=Requirement.COMPLETE_MODULE,
    )


def _brought_forward(
    requirement_id: int,
    completed_on: datetime.date,
    expires_on: datetime.date,
    renewal_months: int | None,
    evidence_requirement_id: int | None,
    evidence_renewal_months: int | None,
    evidence_expires_on: datetime.date | None,
) -> bool:
    """Whether a row's expiry comes before the one its evidence gives (`projection.standing_from`: the expiry the
    entry states, else a higher level's renewal period for its entry, `projection.entries_counting_for`, else the
    requirement's own), so a round brought it forward."""
    months = evidence_renewal_months if evidence_requirement_id != requirement_id else None
    months = months or renewal_months
    natural = evidence_expires_on or (add_months(completed_on, months) if months else None)
    return natural is None or expires_on < natural


def status_history_fill(*, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, stdout=None, plan=None, **kwargs) -> int:
    """Build the runs of everyone who has none, and rebuild the rows and runs of everyone a round asks again whose
    rows or runs do not say so, or of everyone on a requirement with a round when this `migrate` (`plan`) added
    `renew_from`, of everyone on a requirement set for teams when it added the requirement history, and of everyone
    on a level family whose levels changed when it added 0022, and of everyone with a completion run out inside
    their new-starter window when it added 0023 (see the module's docstring); returns how many people.
    Connected to `post_migrate` (`apps.ComplianceConfig.ready`). Does nothing on another database or when the tables
    are not there (a migration taken backwards)."""
    if using != DEFAULT_DB_ALIAS:
        return 0
    tables = set(connections[using].introspection.table_names())
    if not {RequirementStatus._meta.db_table, StatusInterval._meta.db_table, RoundWithdrawal._meta.db_table} <= tables:
        return 0
    built = _runs_fill(verbosity, stdout)
    asked = _asked_again_fill(verbosity, stdout, everyone=_renew_from_added(plan))
    for_teams = _for_teams_fill(verbosity, stdout) if _applied(plan, TERMS_BY_DAY_ADDED) else 0
    families = _families_fill(verbosity, stdout) if _applied(plan, LEVELS_BY_DAY_ADDED) else 0
    from_start = _window_from_start_fill(verbosity, stdout) if _applied(plan, WINDOW_FROM_START_ADDED) else 0
    return built + asked + for_teams + families + from_start


def _window_from_start_fill(verbosity, stdout) -> int:
    return _rebuild(
        people_with_evidence_run_out_in_their_window(),
        "with a completion that ran out before the end of their new-starter window: they are due at its end, not "
        "on the day it ran out",
        verbosity,
        stdout,
    )


def _families_fill(verbosity, stdout) -> int:
    return _rebuild(
        people_on_families_changed(),
        "on a level family whose levels changed: their history now counts evidence by the families as they stood "
        "on each day",
        verbosity,
        stdout,
    )


def _for_teams_fill(verbosity, stdout) -> int:
    return _rebuild(
        people_on_requirements_for_teams(),
        "on a requirement set for teams: their history now follows the team tree and the requirement's terms as "
        "they stood on each day",
        verbosity,
        stdout,
    )


def _rebuild(people: list[int], who: str, verbosity, stdout) -> int:
    """Rebuild the status rows and runs of `people`, as rebuild_status writes them, and say so: "Rebuilt the status
    of N people {who}." Returns N."""
    if not people:
        return 0
    with transaction.atomic():
        people_lock(people)
        refresh(staff_ids=people)  # their rows, then their runs, as rebuild_status writes them
    if verbosity and stdout is not None:
        stdout.write(f"Rebuilt the status of {len(people)} people {who}.\n")
    return len(people)


def _runs_fill(verbosity, stdout) -> int:
    missing = people_without_runs()
    if not missing:
        return 0
    with transaction.atomic():
        people_lock(missing)  # as projection.refresh does: no fact about them lands half-way
        runs = intervals_rebuild(missing)
    if verbosity and stdout is not None:
        stdout.write(
            f"Built the status history in effective time for {len(missing)} people who had none ({runs} runs): "
            "a database from before it was added.\n"
        )
    return len(missing)


def _asked_again_fill(verbosity, stdout, *, everyone: bool = False) -> int:
    asked = people_on_requirements_with_rounds() if everyone else people_asked_again()
    if not asked:
        return 0
    with transaction.atomic():
        people_lock(asked)
        refresh(staff_ids=asked)  # their rows, then their runs, as rebuild_status writes them
    if verbosity and stdout is not None:
        who = (
            "people on a requirement a re-attestation round was opened on"
            if everyone
            else "people a re-attestation round asks to attest (or complete a module) again"
        )
        stdout.write(
            f"Rebuilt the status of {len(asked)} {who}: whoever a round asks again shows as due soon from the day it "
            "opened, and status from before this release did not.\n"
        )
    return len(asked)
