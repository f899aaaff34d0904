"""An open attempt whose questions can no longer be drawn is replaced when started again and records nothing when
submitted; submitted attempts are never touched."""

import pytest

from quizzes.models import Attempt, Question
from quizzes.services import AttemptOutdatedError, attempt_start, attempt_submit
from tests import factories


def right_answers(attempt):
    return {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}


WITHDRAWN = {"held": {"held_for_review": True}, "retired": {"active": False}}


def withdraw(question_id, how):
    Question.objects.filter(pk=question_id).update(**WITHDRAWN[how])


@pytest.fixture
def quiz(db):
    return factories.make_quiz(questions=8, per_attempt=3)


@pytest.mark.parametrize("how", ["held", "retired"])
def test_starting_again_replaces_an_attempt_asking_a_withdrawn_question(person, quiz, how):
    old = attempt_start(user=person, quiz=quiz)
    withdrawn = int(old.frozen_questions()[0].id)
    withdraw(withdrawn, how)

    new = attempt_start(user=person, quiz=quiz)

    assert new.pk != old.pk and not Attempt.objects.filter(pk=old.pk).exists()
    assert str(withdrawn) not in {q.id for q in new.frozen_questions()}


def test_starting_again_keeps_an_attempt_whose_questions_all_still_count(person, quiz):
    old = attempt_start(user=person, quiz=quiz)
    assert attempt_start(user=person, quiz=quiz).pk == old.pk


@pytest.mark.parametrize("how", ["held", "retired"])
def test_submitting_an_attempt_asking_a_withdrawn_question_records_nothing(person, quiz, how):
    attempt = attempt_start(user=person, quiz=quiz)
    withdraw(int(attempt.frozen_questions()[-1].id), how)

    with pytest.raises(AttemptOutdatedError):
        attempt_submit(attempt=attempt, answers=right_answers(attempt))

    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.passed is None


def test_a_submitted_attempt_is_never_touched(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    attempt_submit(attempt=attempt, answers=right_answers(attempt))
    withdraw(int(attempt.frozen_questions()[0].id), "held")

    again = attempt_submit(attempt=attempt, answers=right_answers(attempt))  # a double press after the change
    assert again.newly_recorded is False and again.attempt.passed is True
    attempt_start(user=person, quiz=quiz)
    assert Attempt.objects.filter(pk=attempt.pk, passed=True).exists()
