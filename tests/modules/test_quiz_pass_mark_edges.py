"""The pass mark at its edge through the quiz's page, with odd numbers of questions: 80% of 3 is all 3, of 7 is 6
(5.6 is not enough); exactly the mark passes. The page's words and the module's completion agree with the result."""

import pytest
from django.urls import reverse

from modules.models import ModuleCompletion
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories


@pytest.mark.parametrize(
    ("asked", "right", "pass_mark", "words", "passed"),
    [
        (3, 2, 80, "You scored 2 out of 3 (66%). The pass mark is 80%.", False),
        (3, 3, 80, "You scored 3 out of 3 (100%). The pass mark is 80%.", True),
        (7, 5, 80, "You scored 5 out of 7 (71%). The pass mark is 80%.", False),
        (7, 6, 80, "You scored 6 out of 7 (85%). The pass mark is 80%.", True),
        (5, 4, 80, "You scored 4 out of 5 (80%). The pass mark is 80%.", True),
        (3, 2, 66, "You scored 2 out of 3 (66%). The pass mark is 66%.", True),
        (3, 2, 67, "You scored 2 out of 3 (66%). The pass mark is 67%.", False),
    ],
)
def test_the_pass_mark_at_its_edge(person, person_client, policy, asked, right, pass_mark, words, passed):
    quiz = factories.make_quiz(questions=asked, per_attempt=asked, pass_mark=pass_mark)
    module = factories.make_module(policy=policy, quiz=quiz, scenarios=0)
    attempt = attempt_start(user=person, quiz=quiz, page=module)
    answers = {}
    for n, question in enumerate(attempt.frozen_questions()):
        choices = question.correct_ids if n < right else {c.id for c in question.choices if not c.correct}
        answers[f"q{question.id}"] = sorted(choices)
    result = person_client.post(reverse("modules:attempt", args=[attempt.pk]), answers, follow=True)
    html = result.content.decode()
    assert words in html
    assert ("You passed" in html, "You did not pass this time" in html) == (passed, not passed)
    assert Attempt.objects.get(pk=attempt.pk).passed is passed
    assert ModuleCompletion.objects.filter(user=person, page=module).exists() is passed
