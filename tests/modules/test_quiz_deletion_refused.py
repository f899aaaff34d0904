"""A quiz or question bank deleted in the CMS. A quiz's attempts and a bank's questions hold it in the database, so
its delete (or the listing's bulk delete) ended in a server error; a quiz nobody had tried yet was deleted from under
the modules ending with it, which still showed their quiz while "Start the quiz" answered "This module has no
quiz", so nobody could complete them again. Each is now refused before the confirmation, naming why, and nothing
is deleted; a quiz or bank nothing holds is deleted as before."""

import pytest
from django.urls import reverse

from modules.models import ModulePage
from quizzes.models import Attempt, Question, QuestionBank, Quiz
from quizzes.services import attempt_start
from tests import factories


def _url(model: str, view: str, *args) -> str:
    return reverse(f"wagtailsnippets_quizzes_{model}:{view}", args=args)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _refused(cms, model: str, snippet, expected: str) -> None:
    edit = _url(model, "edit", snippet.pk)
    for method in ("get", "post"):
        response = getattr(cms, method)(_url(model, "delete", snippet.pk))
        assert (response.status_code, response["Location"]) == (302, edit), method
    shown = cms.get(edit)
    assert expected in _messages(shown)


@pytest.fixture
def unused_quiz(db):
    return factories.make_quiz()


def test_a_quiz_with_attempts_is_not_deleted(cms, module_page, person):
    quiz = module_page.quiz
    attempt_start(user=person, quiz=quiz, page=module_page)

    _refused(
        cms,
        "quiz",
        quiz,
        f"“{quiz.title}” cannot be deleted: 1 attempt at it is kept as evidence of what people were asked and "
        "answered. Take it off its modules instead.",
    )
    assert Quiz.objects.filter(pk=quiz.pk).exists()


def test_a_quiz_a_module_ends_with_is_not_deleted_though_nobody_has_tried_it(cms, module_page):
    quiz = module_page.quiz

    _refused(
        cms,
        "quiz",
        quiz,
        f"“{quiz.title}” cannot be deleted: the module “{module_page.title}” ends with it (as published, or in a "
        "draft). Take it off the module first.",
    )
    assert Quiz.objects.filter(pk=quiz.pk).exists()


def test_a_quiz_only_a_modules_draft_ends_with_is_not_deleted(cms, module_page, unused_quiz):
    draft = ModulePage.objects.get(pk=module_page.pk)
    draft.body = [
        *[(block.block_type, block.value) for block in draft.body if block.block_type != "quiz"],
        ("quiz", {"quiz": unused_quiz, "intro": ""}),
    ]
    draft.save_revision()

    _refused(
        cms,
        "quiz",
        unused_quiz,
        f"“{unused_quiz.title}” cannot be deleted: the module “{module_page.title}” ends with it (as published, or "
        "in a draft). Take it off the module first.",
    )


def test_a_quiz_nothing_holds_is_deleted(cms, unused_quiz):
    response = cms.post(_url("quiz", "delete", unused_quiz.pk))

    assert response.status_code == 302
    assert not Quiz.objects.filter(pk=unused_quiz.pk).exists()


def test_a_bank_holding_questions_is_not_deleted_and_an_empty_one_is(cms, unused_quiz):
    bank = unused_quiz.banks.get()

    _refused(
        cms,
        "questionbank",
        bank,
        f"“{bank.title}” cannot be deleted while it holds 6 questions: delete them, or move them to another bank, "
        "first.",
    )
    assert Question.objects.filter(bank=bank).count() == 6

    empty = QuestionBank.objects.create(title="Empty bank")
    assert cms.post(_url("questionbank", "delete", empty.pk)).status_code == 302
    assert not QuestionBank.objects.filter(pk=empty.pk).exists()


def test_the_bulk_delete_is_refused_as_a_whole(cms, module_page, unused_quiz):
    url = reverse("wagtail_bulk_action", args=["quizzes", "quiz", "delete"])
    chosen = f"{url}?id={unused_quiz.pk}&id={module_page.quiz.pk}&next=/cms/"

    for method in ("get", "post"):
        response = getattr(cms, method)(chosen)
        assert (response.status_code, response["Location"]) == (302, _url("quiz", "list")), method
    shown = cms.get(_url("quiz", "list"))
    assert any(f"“{module_page.quiz.title}” cannot be deleted" in message for message in _messages(shown))
    assert Quiz.objects.filter(pk__in=[unused_quiz.pk, module_page.quiz.pk]).count() == 2


def test_a_module_still_starts_its_quiz_after_a_refused_delete(cms, module_page, person_client):
    cms.post(_url("quiz", "delete", module_page.quiz.pk))

    response = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))

    assert response["Location"] == reverse("modules:attempt", args=[Attempt.objects.get(quiz=module_page.quiz).pk])
