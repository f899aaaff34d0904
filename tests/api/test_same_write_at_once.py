"""The same write sent again while the first is still being answered (a client that timed out and retried, two
workers of one client): one fact, not two. With one Idempotency-Key, the second is told the first is still being
answered (409 `idempotency_key_in_use`, Retry-After) and records nothing, unless the first was abandoned (its worker
died) ten minutes ago, when the second answers it. Sent at the same moment on PostgreSQL, with one key or with
several, the completion is recorded once and the chain holds."""

import datetime
import itertools

import pytest
from django.db import connection  # noqa: F401  (the skipif condition reads it)

from portal.api.models import IdempotentRequest
from portal.compliance import ledger
from portal.compliance.models import EvidenceEntry, ImportBatch
from tests.compliance.test_concurrency import _all_at_once

from .conftest import completion


def _send(api, org, key):
    body = {"completions": [completion(org["people"]["sam"])]}
    return api("post", "/api/v1/completions", "completions", body, key=key)


def _first_still_answering(org, api, key, minutes_ago):
    """The claim the first request left, as it stands while that request is still running (or after it died)."""
    response = _send(api, org, key)
    assert response.status_code == 202, response.content
    record = IdempotentRequest.objects.get(key=key)
    recorded = EvidenceEntry.objects.count()
    IdempotentRequest.objects.filter(pk=record.pk).update(
        status=None, body={}, batch=None, created_at=record.created_at - datetime.timedelta(minutes=minutes_ago)
    )
    return recorded


def test_a_retry_while_the_first_is_answered_is_told_to_wait_and_records_nothing(api, org):
    recorded = _first_still_answering(org, api, "busy", minutes_ago=1)
    response = _send(api, org, "busy")
    assert response.status_code == 409, response.content
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "idempotency_key_in_use"
    assert EvidenceEntry.objects.count() == recorded
    assert ImportBatch.objects.count() == 1


def test_a_request_abandoned_ten_minutes_ago_is_answered_by_the_retry_once(api, org):
    recorded = _first_still_answering(org, api, "abandoned", minutes_ago=11)
    response = _send(api, org, "abandoned")
    assert response.status_code == 202, response.content
    assert "Idempotent-Replayed" not in response
    assert EvidenceEntry.objects.count() == recorded  # the completion the first recorded is already recorded
    assert response.json()["summary"]["already_recorded"] == 1
    replay = _send(api, org, "abandoned")
    assert replay.status_code == 202 and replay["Idempotent-Replayed"] == "true"
    assert replay.json() == response.json()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("keys", ["one key", "a key each"])
def test_the_same_completion_sent_at_once_is_recorded_once(api, org, keys):
    numbers = itertools.count()
    results = _all_at_once(lambda: _send(api, org, "same" if keys == "one key" else f"key-{next(numbers)}"), count=6)
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(r.status_code for r in results)
    assert set(statuses) <= {202, 409}, [r.content for r in results]
    if keys == "a key each":
        assert statuses == [202] * 6
    assert all(r.json()["code"] == "idempotency_key_in_use" for r in results if r.status_code == 409)
    sam, fire = org["people"]["sam"], org["fire"]
    assert EvidenceEntry.objects.filter(staff=sam, requirement=fire).count() == 1
    assert ledger.verify_chain().intact
