"""An attempt's result page after an editor changed the quiz: the questions as asked, the answers as given, the score
and pass mark as recorded, whatever the questions, their choices and the quiz say now."""

import re

from django.urls import reverse

from quizzes.models import Choice, Question
from quizzes.services import attempt_start, attempt_submit


def _page(client, url) -> str:
    """The page, its forms' tokens (new at each request) and the seconds its session has left aside."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", client.get(url).content.decode())
    return re.sub(r'data-seconds-left="\d+"', "", page)


def test_the_result_page_shows_the_attempt_as_it_was_answered(person, person_client, module_page):
    attempt = attempt_start(user=person, quiz=module_page.quiz, page=module_page)
    questions = attempt.frozen_questions()
    answers = {q.id: sorted(q.correct_ids) for q in questions}
    first = questions[0]
    answers[first.id] = [next(c.id for c in first.choices if not c.correct)]
    attempt_submit(attempt=attempt, answers=answers)
    url = reverse("modules:attempt_result", args=[attempt.pk])
    before = _page(person_client, url)

    for question in Question.objects.filter(pk__in=[int(q.id) for q in questions]):
        question.stem = f"Rewritten {question.pk}?"
        question.save()
    Choice.objects.filter(question_id__in=[int(q.id) for q in questions]).update(
        text="Rewritten choice", feedback="New feedback."
    )
    Choice.objects.filter(question_id=int(first.id), is_correct=False).update(is_correct=True)  # its wrong answer now
    module_page.quiz.pass_mark = 100
    module_page.quiz.save()

    after = _page(person_client, url)
    assert after == before
    assert "You scored 4 out of 5 (80%). The pass mark is 80%." in after and first.stem in after
    assert "Rewritten" not in after and "New feedback." not in after
