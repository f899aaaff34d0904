import pytest

from quizzes.models import Attempt, Choice, Question
from quizzes.services import AttemptError, attempt_start, attempt_submit, failed_in_a_row
from tests import factories


@pytest.fixture
def quiz(db):
    return factories.make_quiz(questions=8, per_attempt=5, pass_mark=80)


def right_answers(attempt):
    return {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}


def wrong_answers(attempt):
    return {q.id: [next(c.id for c in q.choices if not c.correct)] for q in attempt.frozen_questions()}


def test_start_draws_and_freezes_the_questions(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    assert len(attempt.questions) == 5
    assert len({q["id"] for q in attempt.questions}) == 5
    first = attempt.questions[0]
    Question.objects.filter(pk=first["id"]).update(stem="Edited later")
    Choice.objects.filter(question_id=first["id"]).update(text="Edited choice")
    attempt.refresh_from_db()
    assert attempt.questions[0]["stem"] == first["stem"] != "Edited later"
    assert "Edited choice" not in [c["text"] for c in attempt.questions[0]["choices"]]


def test_starting_again_resumes_the_open_attempt(person, quiz):
    first = attempt_start(user=person, quiz=quiz)
    assert attempt_start(user=person, quiz=quiz) == first
    assert Attempt.objects.count() == 1


def test_submitting_twice_records_one_result(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    first = attempt_submit(attempt=attempt, answers=right_answers(attempt))
    second = attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), answers=wrong_answers(attempt))
    assert first.newly_recorded and not second.newly_recorded
    attempt.refresh_from_db()
    assert attempt.passed is True and attempt.correct_count == 5


def test_a_stale_copy_submitted_after_the_first_records_nothing(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    stale = Attempt.objects.get(pk=attempt.pk)  # a second tab loaded before the first submitted
    attempt_submit(attempt=attempt, answers=wrong_answers(attempt))
    assert not attempt_submit(attempt=stale, answers=right_answers(stale)).newly_recorded
    attempt.refresh_from_db()
    assert attempt.passed is False


def test_every_question_must_be_answered(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    answers = right_answers(attempt)
    answers.pop(next(iter(answers)))
    with pytest.raises(AttemptError, match="1 not answered"):
        attempt_submit(attempt=attempt, answers=answers)
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_a_choice_that_was_not_offered_is_refused(person, quiz):
    attempt = attempt_start(user=person, quiz=quiz)
    answers = right_answers(attempt)
    answers[next(iter(answers))] = ["999999"]
    with pytest.raises(AttemptError, match="not among the choices"):
        attempt_submit(attempt=attempt, answers=answers)


def test_failed_in_a_row_counts_back_to_the_last_pass(person, quiz):
    outcomes = [True, False, False]
    for passed in outcomes:
        attempt = attempt_start(user=person, quiz=quiz)
        attempt_submit(attempt=attempt, answers=right_answers(attempt) if passed else wrong_answers(attempt))
    attempts = list(Attempt.objects.filter(user=person).order_by("-started_at", "-pk"))
    assert failed_in_a_row(attempts) == 2
