"""An attestation runs a fixed number of statements, pinned like the quiz submission's
(tests/modules/test_query_budget.py). The count includes any savepoint the test's transaction makes."""

from django.db import connection
from django.urls import reverse

from portal.compliance.models import EvidenceEntry, PolicySnapshot, RequirementStatus
from tests.compliance.test_attestation import attestation, staff  # noqa: F401 - fixtures

# 1 session, 2 user, 3 the person, 4 their status row for the requirement, 5 the policy's latest snapshot (the version
# the form names is checked against it: no query of its own), 6 the requirement (with whether it has re-attestation
# rounds: none here, so none are read), 7 whether the entry's key is recorded and the new entry's id (one statement),
# then, under the person's lock, 8 the person with their roster history (the status is judged from this reading, not
# from 3), 9 their entries on the requirement, 10 their status row (one upsert), 11-12 their runs in effective time
# deleted and inserted, 13 the chain's head locked, 14 the entry, 15 the head moved (`ledger.seal`).
# `evidence_record` takes no savepoint of its own. PostgreSQL adds the person's advisory lock and sends the runs by
# COPY, which the count does not see, and sends 14 and 15 as one query (the head held one round trip less): 14.
ATTESTATION = {"sqlite": 15, "postgresql": 14}


def test_an_attestation_runs_a_fixed_number_of_statements(person_client, staff, django_assert_num_queries):  # noqa: F811
    row = RequirementStatus.objects.get(staff=staff)
    url = reverse("attestation:attest", args=[row.requirement_id])
    shown = PolicySnapshot.objects.get().pk
    with django_assert_num_queries(ATTESTATION[connection.vendor]):
        response = person_client.post(url, {"confirm": "on", "snapshot": shown})
    assert response.status_code == 302
    assert EvidenceEntry.objects.filter(staff=staff, source=EvidenceEntry.ATTESTATION).count() == 1
    assert RequirementStatus.objects.get(pk=row.pk).completed_on is not None  # the person's standing moved with it
