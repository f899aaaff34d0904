"""Saving a question in the CMS with nothing changed restarted everyone's open attempt that asked it ("The quiz changed
since you started it"): every save stamped `Question.changed_at`. Only a real change does now: its wording, or its
choices through their inline forms (put in another order, the right answer moved, a choice taken out or added).

The inline forms come back in whatever order the database gives choices of the same place, so each is found by its
choice's id, never by its position."""

import pytest
from django.urls import reverse

from quizzes.models import Choice, Question
from quizzes.services import attempt_is_outdated, attempt_start
from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends


@pytest.fixture
def asked(person):
    """A one-question quiz with three choices, and an attempt asking it, open: the question and the attempt."""
    quiz = factories.make_quiz(questions=1, per_attempt=1)
    question = Question.objects.get(bank__quizzes=quiz)
    Choice.objects.create(question=question, text="Also wrong", is_correct=False, feedback="No: see 6.2 again.")
    return question, attempt_start(user=person, quiz=quiz)


def edit_form(cms, question) -> tuple[str, dict]:
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    return url, _as_the_browser_sends(cms.get(url).content.decode())


def prefix_of(form: dict, choice: Choice) -> str:
    """The inline form of `choice` ("choices-N"), found by the choice's id."""
    (prefix,) = [key[: -len("-id")] for key, value in form.items() if key.endswith("-id") and value == str(choice.pk)]
    return prefix


def choice(question, text: str) -> Choice:
    return question.choices.get(text=text)


def saved(cms, url, form) -> None:
    response = cms.post(url, form)
    assert response.status_code == 302, response.content.decode()


def test_a_question_saved_with_nothing_changed_leaves_open_attempts_as_they_are(cms, asked):
    question, attempt = asked
    url, form = edit_form(cms, question)

    saved(cms, url, form)

    question.refresh_from_db()
    assert question.changed_at < attempt.started_at
    assert not attempt_is_outdated(attempt)


def test_saved_twice_unchanged_from_pages_opened_one_after_the_other_both_save(cms, asked):
    question, attempt = asked
    url, first = edit_form(cms, question)
    saved(cms, url, first)
    _, second = edit_form(cms, question)

    saved(cms, url, second)
    saved(cms, url, first)  # opened before the second save, which changed nothing

    assert not attempt_is_outdated(attempt)


def _reorder(form, question):
    right, wrong = prefix_of(form, choice(question, "Right 1")), prefix_of(form, choice(question, "Wrong 1"))
    form[f"{right}-ORDER"], form[f"{wrong}-ORDER"] = form[f"{wrong}-ORDER"], form[f"{right}-ORDER"]


def _move_the_right_answer(form, question):
    form.pop(f"{prefix_of(form, choice(question, 'Right 1'))}-is_correct")
    form[f"{prefix_of(form, choice(question, 'Wrong 1'))}-is_correct"] = "on"


def _take_a_choice_out(form, question):
    form[f"{prefix_of(form, choice(question, 'Also wrong'))}-DELETE"] = "on"


def _add_a_choice(form, question):
    n = int(form["choices-TOTAL_FORMS"])
    form.update(
        {
            f"choices-{n}-id": "",
            f"choices-{n}-ORDER": str(n + 1),
            f"choices-{n}-text": "A third wrong answer",
            f"choices-{n}-feedback": "No.",
            "choices-TOTAL_FORMS": str(n + 1),
        }
    )


def _reword(form, question):
    form["stem"] = "Reworded?"


CHANGES = [_reorder, _move_the_right_answer, _take_a_choice_out, _add_a_choice, _reword]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_a_real_change_still_outdates_open_attempts(cms, asked, change):
    question, attempt = asked
    url, form = edit_form(cms, question)
    before = question.choices.count()

    change(form, question)
    saved(cms, url, form)

    question.refresh_from_db()
    assert question.changed_at > attempt.started_at
    assert attempt_is_outdated(attempt)
    if change is _take_a_choice_out:
        assert question.choices.count() == before - 1
    if change is _add_a_choice:
        assert question.choices.filter(text="A third wrong answer").exists()
