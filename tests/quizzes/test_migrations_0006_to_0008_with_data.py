"""Migrations quizzes 0006 (an attempt keeps its questions per attempt), 0007 (help text) and 0008 (a quiz keeps when
it was saved) run as `migrate` runs them, with the historical models, on a database holding an open attempt and a
submitted one, and back again. test_quiz_questions_per_attempt_changed_mid_attempt.py calls 0006's function alone."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from quizzes.models import Attempt, Quiz
from quizzes.services import attempt_start, attempt_submit
from tests import dbrole, factories

BEFORE = [("quizzes", "0005_attempts_keep_their_account")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def _columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


def _right(attempt) -> dict:
    return {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}


@pytest.mark.django_db(transaction=True)
def test_back_before_them_and_forward_again_an_open_attempt_still_submits_and_a_submitted_one_is_kept():
    quiz = factories.make_quiz(questions=6, per_attempt=5)
    done = attempt_start(user=factories.make_user(), quiz=quiz)
    attempt_submit(attempt=done, answers=_right(done))
    open_attempt = attempt_start(user=factories.make_user(), quiz=quiz)

    with dbrole.as_owner():  # migrations run as the database's owner
        try:
            _migrate(BEFORE)
            assert "questions_per_attempt" not in _columns(Attempt._meta.db_table)
            assert "changed_at" not in _columns(Quiz._meta.db_table)
            _migrate(None)
        finally:
            _migrate(None)

    kept = dict(Attempt.objects.values_list("pk", "questions_per_attempt"))
    assert kept == {open_attempt.pk: 5, done.pk: None}  # open: the quiz's number now; submitted: not known
    done.refresh_from_db()
    assert done.passed and done.correct_count == 5
    assert Quiz.objects.get().changed_at is not None  # given the moment 0008 ran: a page opened since carries it

    open_attempt = Attempt.objects.get(pk=open_attempt.pk)
    assert attempt_submit(attempt=open_attempt, answers=_right(open_attempt)).newly_recorded
    open_attempt.refresh_from_db()
    assert open_attempt.passed and open_attempt.total == 5
