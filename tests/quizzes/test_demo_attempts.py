"""Every attempt at a demo quiz, started as people start them (quizzes.services.attempt_start), asks about every clause
its bank tests: the draw is stratified by clause. A uniform draw of the same size misses a clause with one question in
most attempts at the principles quiz, and this fails."""

import pytest
from django.utils import timezone

from portal.demo.content import load_content
from portal.demo.loader import _quiz
from quizzes.models import Attempt
from quizzes.services import attempt_start

MODULES = load_content().modules


@pytest.mark.parametrize("module", MODULES, ids=[module["slug"] for module in MODULES])
def test_every_attempt_at_a_demo_quiz_covers_every_clause_of_its_bank(person, module):
    quiz = _quiz(module, module["title"])
    clauses = {question["clause"] for question in module["quiz"]["questions"]}
    assert len(clauses) <= quiz.questions_per_attempt, "the draw size does not allow one question on each clause"
    for seed in range(40):
        attempt = attempt_start(user=person, quiz=quiz, seed=seed)
        asked = [question["clause"] for question in attempt.questions]
        assert len(asked) == quiz.questions_per_attempt and set(asked) == clauses, (seed, asked)
        Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now())  # so the next start draws anew
