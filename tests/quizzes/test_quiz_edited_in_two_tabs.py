"""A quiz or a question edited in two tabs (or by two editors) at once: the page opened before the other was saved is
refused when it is saved, naming why, and changes nothing; it would put back what the page showed, undoing the
other change (a pass mark raised, a right answer corrected) unsaid, and learners would be marked against it."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from quizzes.models import Question
from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends

REFUSED = "after you opened this page, so saving it would undo their change. Nothing was saved"


def quiz_form(cms, url):
    return querydict_from_html(cms.get(url).content.decode(), form_id="w-editor-form")


def saved_second_then_first(cms, url, first, second) -> str:
    """The page opened second is saved, then the one opened first is refused: the refusal's words."""
    assert cms.post(url, second).status_code == 302
    response = cms.post(url, first)
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_quiz_saved_from_a_page_opened_before_another_save_is_refused(cms):
    quiz = factories.make_quiz(pass_mark=80)
    url = reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk])
    first, second = quiz_form(cms, url), quiz_form(cms, url)
    second["pass_mark"] = "100"
    first["title"] = "Renamed"
    assert f"Someone saved this quiz {REFUSED}" in saved_second_then_first(cms, url, first, second)
    quiz.refresh_from_db()
    assert (quiz.title, quiz.pass_mark) != ("Renamed", 80) and quiz.pass_mark == 100

    again = quiz_form(cms, url)  # opened again, it shows the quiz as saved, and saves
    again["title"] = "Renamed"
    assert cms.post(url, again).status_code == 302
    quiz.refresh_from_db()
    assert (quiz.title, quiz.pass_mark) == ("Renamed", 100)


@pytest.fixture
def question():
    return factories.make_quiz().banks.get().questions.first()


def test_a_question_saved_from_a_page_opened_before_another_save_is_refused(cms, question):
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    first = _as_the_browser_sends(cms.get(url).content.decode())
    second = _as_the_browser_sends(cms.get(url).content.decode())
    # The right answer corrected: whichever form the right choice is in (the factory's choices share one sort order,
    # so their order in the form is the database's: CI's PostgreSQL pass once put it second).
    (right,) = [key for key in second if key.startswith("choices-") and key.endswith("-is_correct")]
    assert second.pop(right)
    other = "1" if right == "choices-0-is_correct" else "0"
    second[f"choices-{other}-is_correct"] = "on"
    wrong = question.choices.get(pk=second[f"choices-{other}-id"])
    first["stem"] = "Reworded?"
    assert f"Someone saved this question {REFUSED}" in saved_second_then_first(cms, url, first, second)
    question.refresh_from_db()
    assert question.stem != "Reworded?"
    assert list(question.choices.filter(is_correct=True)) == [wrong]
    assert Question.objects.count() == 6
