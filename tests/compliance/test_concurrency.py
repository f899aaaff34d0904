"""Ten identical submissions at the same moment record one fact (PostgreSQL: real concurrent transactions)."""

import datetime
import threading

import pytest
from django.db import connection, connections

from portal.compliance import ledger
from portal.compliance.models import EvidenceEntry, Requirement
from portal.compliance.services import attestation_record, policy_snapshot_create
from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit
from tests import factories

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]


def _all_at_once(work, count=10):
    """Run `work` in `count` threads released together; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work()
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_ten_simultaneous_identical_attestations_record_one_fact():
    policy = factories.make_policy()
    requirement = factories.make_requirement(kind=Requirement.ATTEST_POLICY, page=policy, renewal_months=12)
    staff = factories.make_staff()
    snapshot = policy_snapshot_create(
        page=policy,
        version_label="1.1",  # make_policy froze 1.0
        effective_date=datetime.date(2021, 6, 21),
        title=policy.title,
        sections=[{"number": "1", "heading": "Introduction", "text": "Hello."}],
        material=True,
    )
    results = _all_at_once(lambda: attestation_record(staff=staff, snapshot=snapshot, user=staff.user))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert EvidenceEntry.objects.filter(requirement=requirement).count() == 1
    assert len({r[0].pk for r in results}) == 1
    assert ledger.verify_chain().intact


def test_ten_simultaneous_submissions_of_one_quiz_attempt_record_one_result():
    user = factories.make_user()
    quiz = factories.make_quiz(questions=5, per_attempt=5)
    attempt = attempt_start(user=user, quiz=quiz)
    answers = {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}

    def submit():
        return attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), answers=answers).newly_recorded

    results = _all_at_once(submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert results.count(True) == 1
    attempt.refresh_from_db()
    assert attempt.passed is True and attempt.correct_count == 5


def test_ten_simultaneous_appends_of_different_facts_keep_one_unbroken_chain():
    staff = factories.make_staff()
    requirement = factories.make_requirement()
    counter = iter(range(100))
    lock = threading.Lock()

    def append():
        with lock:
            n = next(counter)
        _entry, created = ledger.append(
            idempotency_key=f"k{n}",
            staff=staff,
            requirement=requirement,
            source=EvidenceEntry.IMPORT,
            source_ref="concurrent",
            completed_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
        return created

    results = _all_at_once(append)
    assert results.count(True) == 10, results  # an exception raised in a thread is shown here
    report = ledger.verify_chain()
    assert report.intact and report.checked == 10
    assert connection.vendor == "postgresql"
