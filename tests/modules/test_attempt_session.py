"""Answers posted after the session expired are kept for sign-in, and only they: a session stays small."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from quizzes.services import attempt_start
from tests import factories

STASH_KEY = "quiz-answers"


@pytest.fixture
def attempt(person, module_page):
    return attempt_start(user=person, quiz=module_page.quiz, page=module_page)


def right_answers(attempt) -> dict[str, list[str]]:
    return {f"q{q.id}": sorted(str(c) for c in q.correct_ids) for q in attempt.frozen_questions()}


def stored_session(client) -> tuple[int, dict]:
    """The size of the session row the database holds, and what it decodes to."""
    row = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    return len(row.session_data), row.get_decoded()


def test_only_this_attempts_answers_are_kept_however_much_is_posted(attempt):
    client = Client()
    answers = right_answers(attempt)
    posted = {f"q{n}": "x" * 10_000 for n in range(200)}  # 2 MB of made-up questions
    posted["question-padding"] = "z" * 100_000
    posted.update(answers)
    first_question = next(iter(answers))
    posted[first_question] = [*answers[first_question], "not-a-choice", "y" * 10_000]  # junk among real answers

    response = client.post(reverse("modules:attempt", args=[attempt.pk]), posted)

    assert response.status_code == 302
    size, data = stored_session(client)
    assert data[STASH_KEY] == {"attempt": attempt.pk, "answers": answers}
    assert size < 2_000


def test_eight_posts_still_make_one_small_session(person, module_page, attempt):
    other = attempt_start(user=factories.make_user(), quiz=module_page.quiz, page=module_page)
    client = Client()
    for n in range(8):
        target = attempt if n % 2 else other
        client.post(reverse("modules:attempt", args=[target.pk]), {f"q{i}-{n}": "x" * 50_000 for i in range(40)})
        client.post(reverse("modules:attempt", args=[target.pk]), right_answers(target))
    size, data = stored_session(client)
    assert data[STASH_KEY]["attempt"] == attempt.pk  # one attempt's answers at a time: the latest
    assert size < 2_000


def test_posting_to_an_attempt_that_does_not_exist_stores_nothing(db):
    client = Client()
    client.post(reverse("modules:attempt", args=[999_999]), {"q1": "x" * 10_000})
    assert Session.objects.count() == 0


def test_the_kept_answers_come_back_only_on_their_own_attempt_after_sign_in(person, module_page, attempt):
    client = Client()
    client.post(reverse("modules:attempt", args=[attempt.pk]), right_answers(attempt))
    client.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD})
    assert "We kept the answers you gave" in client.get(reverse("modules:attempt", args=[attempt.pk])).content.decode()

    another = attempt_start(user=person, quiz=factories.make_quiz(), page=None)
    assert "We kept the answers" not in client.get(reverse("modules:attempt", args=[another.pk])).content.decode()
