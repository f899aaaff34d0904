"""The chain's head is locked only while an entry goes in: one person's status refresh, or an import chunk's, never
makes another person's submission wait; the same person's submissions still wait for each other, so no status row is
written from a stale read (PostgreSQL: real concurrent transactions; SQLite writes one transaction at a time)."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from portal.compliance import ledger, projection
from portal.compliance.models import EvidenceEntry, RequirementStatus
from portal.compliance.services import evidence_record
from tests import factories

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]


def _record(staff, requirement, key):
    return evidence_record(
        staff=staff,
        requirement=requirement,
        source=EvidenceEntry.MODULE,
        source_ref="lock scope",
        idempotency_key=key,
        completed_at=timezone.now(),
    )


def _holding(staff, requirement, key, release: threading.Event, reached: threading.Event, results: list):
    """In another connection: record an entry for `staff` up to the point its status row is written (the person
    locked, the entry prepared, the status refreshed), then wait for `release` before sealing and committing."""

    def run():
        try:
            with transaction.atomic():
                ledger.people_lock([staff.pk])
                entry, _ = ledger.prepare(
                    idempotency_key=key,
                    staff=staff,
                    requirement=requirement,
                    source=EvidenceEntry.MODULE,
                    source_ref="held",
                    completed_at=timezone.now() - datetime.timedelta(days=1),
                )
                projection.refresh_pair(staff, requirement, pending=[entry])
                reached.set()
                release.wait(timeout=30)
                ledger.seal([entry])
            results.append(entry.seq)
        except Exception as error:  # shown by the assertion in the test
            results.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_another_persons_submission_does_not_wait_for_a_status_refresh_in_progress():
    requirement = factories.make_requirement()
    sam, ann = factories.make_staff(), factories.make_staff()
    release, reached, results = threading.Event(), threading.Event(), []
    holder = _holding(sam, requirement, "sam-held", release, reached, results)
    assert reached.wait(timeout=30)

    started = time.perf_counter()
    entry, created = _record(ann, requirement, "ann-now")  # would wait for the head until `release` before
    waited = time.perf_counter() - started
    release.set()
    holder.join(timeout=30)

    assert created and waited < 5, waited
    assert results == [entry.seq + 1], results  # Sam's entry went in after Ann's, though prepared first
    assert ledger.verify_chain().intact
    statuses = {row.staff_id: row.evidence_id for row in RequirementStatus.objects.filter(requirement=requirement)}
    assert statuses[ann.pk] == entry.pk
    assert statuses[sam.pk] == EvidenceEntry.objects.get(idempotency_key="sam-held").pk


def test_the_same_persons_submission_waits_and_counts_the_entry_before_it():
    requirement = factories.make_requirement()
    sam = factories.make_staff()
    release, reached, results = threading.Event(), threading.Event(), []
    holder = _holding(sam, requirement, "sam-first", release, reached, results)
    assert reached.wait(timeout=30)

    second = {}

    def submit():
        try:
            second["entry"], _ = _record(sam, requirement, "sam-second")
        finally:
            connections.close_all()

    submitter = threading.Thread(target=submit)
    submitter.start()
    submitter.join(timeout=1)
    assert submitter.is_alive()  # waiting for Sam's first submission to finish
    release.set()
    holder.join(timeout=30)
    submitter.join(timeout=30)

    assert not submitter.is_alive() and isinstance(results[0], int), results
    row = RequirementStatus.objects.get(staff=sam, requirement=requirement)
    # The second read the first one's entry: the latest completion is the second's (today), counted from both.
    assert row.evidence_id == second["entry"].pk and row.completed_on == timezone.localdate()
    assert EvidenceEntry.objects.filter(staff=sam).count() == 2
    assert ledger.verify_chain().intact
    assert connection.vendor == "postgresql"
