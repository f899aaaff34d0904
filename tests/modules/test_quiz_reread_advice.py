"""The advice to re-read the module is given from the `attempts_before_reread`-th failure in a row on, not every
so many failures, and each attempt's result page says what was true after that attempt."""

import pytest
from django.urls import reverse

from quizzes.services import attempt_start, attempt_submit
from tests import factories

ADVICE = "Re-read the module before you try again"


@pytest.fixture
def module(policy):
    return factories.make_module(policy=policy, quiz=factories.make_quiz(attempts_before_reread=2))


def _fail(person, module):
    attempt = attempt_start(user=person, quiz=module.quiz, page=module)
    wrong = {q.id: [next(c.id for c in q.choices if not c.correct)] for q in attempt.frozen_questions()}
    return attempt_submit(attempt=attempt, answers=wrong).attempt


def _result(client, attempt) -> str:
    return client.get(reverse("modules:attempt_result", args=[attempt.pk])).content.decode()


def test_a_third_failure_in_a_row_still_advises_re_reading(person, person_client, module):
    failures = [_fail(person, module) for _ in range(3)]
    html = _result(person_client, failures[2])
    assert ADVICE in html and "You have not passed after 3 attempts in a row" in html
    assert "I have re-read the module: try again" in html


def test_an_earlier_failure_s_page_says_what_was_true_after_it(person, person_client, module):
    first, second = _fail(person, module), _fail(person, module)
    assert ADVICE not in _result(person_client, first)
    assert "You have not passed after 2 attempts in a row" in _result(person_client, second)
