"""Two editors who opened a quiz's (or a question's) edit page at the same time press Save at the same moment
(PostgreSQL: real concurrent requests). test_quiz_edited_in_two_tabs.py saves one after the other; here both saves
read the quiz before either has written it, so both pass a check that compares the page with the quiz as read: one of
them must still be refused, or the later write puts back what its page showed and undoes the other unsaid."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from quizzes.models import Question, Quiz
from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]

REFUSED = "after you opened this page, so saving it would undo their change. Nothing was saved"


def _editor() -> Client:
    return factories.sign_in(Client(), factories.with_mfa(factories.make_user(is_superuser=True)))


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # Every waiting connection on the server: CI's other worker may add its own, hence "at least" below.
        cursor.execute("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def _both_saved_at_once(model, pk, url, forms) -> list[str]:
    """Each form posted by its own editor while the row is locked, so that both requests are in before either
    writes; then the lock is let go. The pages each got back."""
    editors = [_editor() for _ in forms]
    results = [None] * len(forms)

    def save(i):
        try:
            response = editors[i].post(url, forms[i])
            results[i] = " ".join(response.content.decode().split()) if response.status_code == 200 else "saved"
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(forms))]
    with transaction.atomic():
        model.objects.select_for_update().get(pk=pk)
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 30
        while _waiting_on_a_lock() < len(forms) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _waiting_on_a_lock() >= len(forms), results  # both requests wait on the quiz's row
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_a_quiz_saved_from_two_pages_at_the_same_moment_keeps_one_change_and_refuses_the_other():
    quiz = factories.make_quiz(pass_mark=80)
    title = quiz.title
    url = reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk])
    cms = _editor()
    first, second = (querydict_from_html(cms.get(url).content.decode(), form_id="w-editor-form") for _ in range(2))
    first["title"] = "Renamed"
    second["pass_mark"] = "100"

    results = _both_saved_at_once(Quiz, quiz.pk, url, [first, second])
    assert sorted(result == "saved" for result in results) == [False, True], results
    assert any(f"Someone saved this quiz {REFUSED}" in result for result in results if result != "saved")
    quiz.refresh_from_db()
    assert (quiz.title, quiz.pass_mark) in {("Renamed", 80), (title, 100)}  # the one saved, whole


def test_a_question_saved_from_two_pages_at_the_same_moment_keeps_one_change_and_refuses_the_other():
    question = factories.make_quiz().banks.get().questions.first()
    stem = question.stem
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    cms = _editor()
    first, second = (_as_the_browser_sends(cms.get(url).content.decode()) for _ in range(2))
    first["stem"] = "Reworded?"
    second.pop("choices-0-is_correct")
    second["choices-1-is_correct"] = "on"  # the right answer corrected

    results = _both_saved_at_once(Question, question.pk, url, [first, second])
    assert sorted(result == "saved" for result in results) == [False, True], results
    assert any(f"Someone saved this question {REFUSED}" in result for result in results if result != "saved")
    question.refresh_from_db()
    right = question.choices.get(is_correct=True).pk  # by the choice's id: its sort order is the form's to set
    was_right, corrected = (int(first[f"choices-{i}-id"]) for i in (0, 1))
    assert (question.stem, right) in {("Reworded?", was_right), (stem, corrected)}
