"""An open attempt is out of date once one of its questions is flagged for review or edited after it began, even when
the flag has been resolved and the question is drawn again: its frozen copy holds the old question and the old answer
key. Submitting it records nothing; starting again replaces it."""

import pytest

from modules.models import ReviewFlag
from modules.review import review_flags_resolve
from quizzes.models import Attempt, Question
from quizzes.services import AttemptOutdatedError, attempt_is_outdated, attempt_start, attempt_submit
from tests import factories
from tests.quizzes.test_held_for_review import _material_change_to


def right_answers(attempt):
    return {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}


@pytest.fixture
def quiz(policy):
    return factories.make_quiz(questions=6, per_attempt=3)  # every question on clause 6.2


def edit(question_id):
    question = Question.objects.get(pk=question_id)
    question.stem = "Reworded for the new version?"
    question.save()


def test_an_attempt_asking_a_question_edited_since_it_began_records_nothing(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    edit(int(attempt.frozen_questions()[0].id))

    with pytest.raises(AttemptOutdatedError):
        attempt_submit(attempt=attempt, answers=right_answers(attempt))

    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.passed is None
    new = attempt_start(user=person, quiz=quiz)
    assert new.pk != attempt.pk and not Attempt.objects.filter(pk=attempt.pk).exists()


def test_a_question_edited_before_the_attempt_began_does_not_outdate_it(person, quiz):
    for question in Question.objects.all():
        edit(question.pk)
    attempt = attempt_start(user=person, quiz=quiz)

    assert not attempt_is_outdated(attempt)
    assert attempt_submit(attempt=attempt, answers=right_answers(attempt)).attempt.passed is True


@pytest.mark.parametrize("resolution", ["confirmed", "changed"])
def test_an_attempt_begun_before_a_material_change_stays_outdated_once_its_questions_are_reviewed(
    person, policy, quiz, resolution
):
    attempt = attempt_start(user=person, quiz=quiz)
    _material_change_to(policy, "6.2")  # flags and holds every question of the quiz
    for question in Question.objects.all():
        if resolution == "changed":
            edit(question.pk)
        review_flags_resolve(flags=ReviewFlag.objects.filter(question=question), user=None, resolution=resolution)
    assert not Question.objects.filter(held_for_review=True).exists()  # drawn again: only the attempt is stale

    assert attempt_is_outdated(attempt)
    with pytest.raises(AttemptOutdatedError):
        attempt_submit(attempt=attempt, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_an_attempt_begun_after_the_review_counts(person, policy, quiz):
    _material_change_to(policy, "6.2")
    for question in Question.objects.all():
        review_flags_resolve(flags=ReviewFlag.objects.filter(question=question), user=None, resolution="confirmed")
    attempt = attempt_start(user=person, quiz=quiz)

    assert not attempt_is_outdated(attempt)
    assert attempt_submit(attempt=attempt, answers=right_answers(attempt)).newly_recorded
