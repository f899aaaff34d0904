"""Random histories for property tests: people completing, corrections, moves between teams, leavers and HR changing
requirements, played through the real services, as both the projection rebuild test and the as-at test need them."""

import contextlib
import datetime

from django.utils import timezone
from hypothesis import strategies as st

from portal.compliance import pauses, projection
from portal.compliance.models import EvidenceEntry
from portal.compliance.services import evidence_record, evidence_void, requirement_save
from portal.people.history import staff_changes_record
from tests import factories

EVENTS = st.lists(
    st.one_of(
        st.tuples(st.just("complete"), st.integers(0, 3), st.integers(0, 2), st.integers(0, 1500)),
        st.tuples(st.just("void"), st.integers(0, 50)),
        st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 2)),
        st.tuples(st.just("leave"), st.integers(0, 3), st.integers(-30, 30)),
        st.tuples(st.just("requirement"), st.integers(0, 2), st.integers(0, 8), st.integers(0, 2)),
        # who, which requirement (3: all), first day from today, days long (0: no return date yet)
        st.tuples(st.just("pause"), st.integers(0, 3), st.integers(0, 3), st.integers(-400, 60), st.integers(0, 200)),
    ),
    max_size=30,
)


def status_values(rows) -> dict:
    """(person, requirement) -> what a status row holds (a RequirementStatus, or a StatusAsAt read from the ledger):
    what the property tests compare."""
    return {
        (row.staff_id, row.requirement_id): (
            row.completed_on,
            row.expires_on,
            row.due_on,
            row.evidence_id,
            row.paused_from,
            row.paused_until,
            row.renew_from,
        )
        for row in rows
    }


def organisation():
    """Three teams, four people, and three requirements: one for everyone, one for a team, one for a staff group."""
    top = factories.make_team("Organisation", kind="organisation")
    teams = [factories.make_team(f"Team {i}", parent=top) for i in range(3)]
    staff = [factories.make_staff(team=teams[i % 3], start_date=datetime.date(2024, 1, 1)) for i in range(4)]
    everyone = factories.make_requirement(renewal_months=12)
    one_team = factories.make_requirement(renewal_months=36, applies_to_everyone=False)
    one_team.teams.add(teams[0])
    once = factories.make_requirement(renewal_months=None, applies_to_everyone=False, staff_groups=["Nursing"])
    projection.refresh()
    return teams, staff, [everyone, one_team, once]


def play(sequence, *, teams, staff, requirements, corrector) -> None:
    """Play `sequence` through the services, recording roster history for moves and leavers as HR's edits do."""
    now = timezone.now()
    for n, event in enumerate(sequence):
        if event[0] == "complete":
            _, who, which, days_ago = event
            evidence_record(
                staff=staff[who],
                requirement=requirements[which],
                source=EvidenceEntry.IMPORT,
                source_ref=f"event {n}",
                idempotency_key=f"event-{n}",
                completed_at=now - datetime.timedelta(days=days_ago),
            )
        elif event[0] == "void":
            live = list(EvidenceEntry.objects.exclude(source=EvidenceEntry.VOID).filter(voided_by__isnull=True))
            if live:
                evidence_void(entry=live[event[1] % len(live)], reason="test correction", voided_by=corrector)
        elif event[0] == "pause":
            _pause(staff[event[1]], requirements, *event[2:], user=corrector)
        elif event[0] == "requirement":
            _requirement_change(requirements[event[1]], event[2], event[3], teams=teams, user=corrector)
        else:
            member = staff[event[1]]
            if event[0] == "move":
                member.team = teams[event[2]]
                member.staff_group = "Nursing" if event[2] == 2 else "Administrative and Clerical"
                member.job_title = ["Staff Nurse", "Finance Officer", "nurse practitioner"][event[2]]
            else:
                member.leave_date = timezone.localdate() + datetime.timedelta(days=event[2])
            member.save()
            staff_changes_record([member])
            projection.refresh(staff_ids=[member.pk])


def _pause(member, requirements, which: int, first: int, length: int, *, user) -> None:
    first_day = timezone.localdate() + datetime.timedelta(days=first)
    with contextlib.suppress(pauses.PauseError):  # overlapping another, or nothing applies: refused, as on the page
        pauses.pause_add(
            staff=member,
            requirements=None if which == 3 else [requirements[which]],
            reason_code=pauses.SICKNESS,
            first_day=first_day,
            last_day=first_day + datetime.timedelta(days=length - 1) if length else None,
            user=user,
        )


def _requirement_change(requirement, change: int, n: int, *, teams, user) -> None:
    """One of the changes HR makes in the CMS, through the service (the instance is the one `play` goes on using, as
    a page would load it afresh)."""
    chosen_teams = None
    if change == 0:
        requirement.applies_to_everyone = True
    elif change == 1:
        requirement.applies_to_everyone, requirement.staff_groups, chosen_teams = False, [], [teams[n]]
    elif change == 2:
        requirement.applies_to_everyone, requirement.staff_groups, chosen_teams = False, ["Nursing"], []
    elif change == 3:
        requirement.new_starter_days = [0, 28, 90][n]
        requirement.renewal_months = [None, 12, 36][n]
    elif change == 4:
        requirement.introduced_on = timezone.localdate() - datetime.timedelta(days=[0, 30, 4000][n])
    elif change == 5:
        requirement.active = not requirement.active
        requirement.retired_reason = "No longer needed"
    elif change == 6:
        requirement.applies_to_everyone = False
        requirement.job_title_patterns = [["Nurse*"], ["*officer"], []][n]
    elif change == 7:
        # Levels of one family; the requirement's own id keeps each level unique.
        requirement.level_family, requirement.level = ("Safeguarding", requirement.pk) if n else ("", None)
    else:
        requirement.name = f"{requirement.name} (renamed)"[:200]
    requirement_save(requirement=requirement, user=user, teams=chosen_teams)
