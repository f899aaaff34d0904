"""The status projection kept up to date event by event equals one rebuilt from the ledger."""

import datetime

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.compliance import projection
from portal.compliance.models import EvidenceEntry, RequirementStatus
from portal.compliance.services import evidence_record, evidence_void
from tests import factories

NOW = timezone.now()

events = st.lists(
    st.one_of(
        st.tuples(st.just("complete"), st.integers(0, 3), st.integers(0, 2), st.integers(0, 1500)),
        st.tuples(st.just("void"), st.integers(0, 50)),
        st.tuples(st.just("move"), st.integers(0, 3), st.integers(0, 2)),
        st.tuples(st.just("leave"), st.integers(0, 3), st.integers(-30, 30)),
    ),
    max_size=30,
)


def _projection():
    return {
        (row.staff_id, row.requirement_id): (row.completed_on, row.expires_on, row.due_on, row.evidence_id)
        for row in RequirementStatus.objects.all()
    }


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=events)
def test_incremental_projection_equals_a_full_rebuild(db, person, sequence):
    savepoint = transaction.savepoint()
    try:
        organisation = factories.make_team("Organisation", kind="organisation")
        teams = [factories.make_team(f"Team {i}", parent=organisation) for i in range(3)]
        staff = [factories.make_staff(team=teams[i % 3], start_date=datetime.date(2024, 1, 1)) for i in range(4)]
        everyone = factories.make_requirement(renewal_months=12)
        one_team = factories.make_requirement(renewal_months=36, applies_to_everyone=False)
        one_team.teams.add(teams[0])
        once = factories.make_requirement(renewal_months=None, applies_to_everyone=False, staff_groups=["Nursing"])
        requirements = [everyone, one_team, once]
        projection.refresh()
        for n, event in enumerate(sequence):
            if event[0] == "complete":
                _, who, which, days_ago = event
                evidence_record(
                    staff=staff[who],
                    requirement=requirements[which],
                    source=EvidenceEntry.IMPORT,
                    source_ref=f"event {n}",
                    idempotency_key=f"event-{n}",
                    completed_at=NOW - datetime.timedelta(days=days_ago),
                )
            elif event[0] == "void":
                live = list(EvidenceEntry.objects.exclude(source=EvidenceEntry.VOID).filter(voided_by__isnull=True))
                if live:
                    evidence_void(entry=live[event[1] % len(live)], reason="test correction", voided_by=person)
            elif event[0] == "move":
                member = staff[event[1]]
                member.team = teams[event[2]]
                member.staff_group = "Nursing" if event[2] == 2 else "Administrative and Clerical"
                member.save()
                projection.refresh(staff_ids=[member.pk])
            else:
                member = staff[event[1]]
                member.leave_date = timezone.localdate() + datetime.timedelta(days=event[2])
                member.save()
                projection.refresh(staff_ids=[member.pk])
        incremental = _projection()
        RequirementStatus.objects.all().delete()
        projection.refresh()
        assert _projection() == incremental
    finally:
        transaction.savepoint_rollback(savepoint)
