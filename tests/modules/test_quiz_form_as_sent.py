"""A quiz's form as a browser would not send it: a one-answer question given two answers is refused, naming the
question, and records nothing; a choice repeated in a several-answers question is recorded once."""

import pytest
from django.urls import reverse

from quizzes import scoring
from quizzes.models import Attempt, Choice, Question, QuestionBank, Quiz
from quizzes.services import attempt_start
from tests import factories


def _several_answers_quiz() -> Quiz:
    bank = QuestionBank.objects.create(title="Several answers")
    for n in range(3):
        question = Question.objects.create(bank=bank, kind=scoring.MULTIPLE, stem=f"Which apply {n}?", clause="6.2")
        for text, right in (("Right A", True), ("Right B", True), ("Wrong", False)):
            Choice.objects.create(question=question, text=text, is_correct=right, feedback="See 6.2.")
    quiz = Quiz.objects.create(title="Several", questions_per_attempt=3, pass_mark=80)
    quiz.banks.add(bank)
    quiz.save()  # ParentalManyToManyField changes are written on save
    return quiz


def _right(attempt) -> dict:
    return {f"q{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}


@pytest.fixture
def attempt(person, module_page):
    return attempt_start(user=person, quiz=module_page.quiz, page=module_page)


def test_a_one_answer_question_sent_with_two_answers_is_refused_and_records_nothing(person_client, attempt):
    data = _right(attempt)
    first = attempt.frozen_questions()[0]
    data[f"q{first.id}"] = [choice.id for choice in first.choices]  # both radios of question 1, as no browser sends
    response = person_client.post(reverse("modules:attempt", args=[attempt.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert f'<a href="#id_q{first.id}_0">Question 1: select only one answer</a>' in html
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.answers == {}


def test_a_choice_sent_twice_in_a_several_answers_question_is_recorded_once(person, person_client, policy):
    module = factories.make_module(policy=policy, quiz=_several_answers_quiz())
    attempt = attempt_start(user=person, quiz=module.quiz, page=module)
    data = {name: ids + ids for name, ids in _right(attempt).items()}  # each right choice twice
    response = person_client.post(reverse("modules:attempt", args=[attempt.pk]), data)
    assert response.status_code == 302
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert attempt.answers == {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}
    assert attempt.passed is True
