"""The status projection kept up to date event by event equals one rebuilt from the ledger."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings

from portal.compliance import projection
from portal.compliance.models import RequirementStatus
from tests.compliance.histories import EVENTS, organisation, play, status_values


def _projection():
    return status_values(RequirementStatus.objects.all())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=EVENTS)
def test_incremental_projection_equals_a_full_rebuild(db, person, sequence):
    savepoint = transaction.savepoint()
    try:
        teams, staff, requirements = organisation()
        play(sequence, teams=teams, staff=staff, requirements=requirements, corrector=person)
        incremental = _projection()
        RequirementStatus.objects.all().delete()
        projection.refresh()
        assert _projection() == incremental
    finally:
        transaction.savepoint_rollback(savepoint)
