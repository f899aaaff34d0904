"""Deleting, retiring or moving questions in the CMS left a quiz asking fewer questions than its "questions per
attempt" (which `Quiz.clean` refuses when the quiz itself is saved): after 5 of its 6 questions were deleted, every
attempt asked one question, and one right answer passed and recorded the module's completion, even when the quiz was
set to pause when short. The question doors now refuse what would leave a quiz short, naming the quiz and the
numbers (the listing's bulk delete, a question's own delete, unticking "active", moving a question to another
bank), and a quiz short of active questions however it came about is paused, not asked short, with the editors told
on "Content to review"."""

import pytest
from django.urls import reverse

from modules.models import ModuleCompletion
from quizzes.models import Attempt, Question, QuestionBank, Quiz
from quizzes.services import AttemptError, attempt_start
from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import _as_the_browser_sends

PAUSED = "This quiz is paused while the content team add questions to it. Try again in a few days."


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def _bulk_delete_questions(cms, ids):
    url = reverse("wagtail_bulk_action", args=["quizzes", "question", "delete"])
    return cms.post(f"{url}?{'&'.join(f'id={pk}' for pk in ids)}&next=/cms/")


def _question_ids(quiz) -> list[int]:
    return list(Question.objects.filter(bank__quizzes=quiz).order_by("pk").values_list("pk", flat=True))


def _refusal(change, quiz, left) -> str:
    return (
        f"{change} would leave “{quiz.title}” with {left} active question{'' if left == 1 else 's'} for the "
        f"{quiz.questions_per_attempt} it asks in each attempt. Add questions to its banks, or lower its questions "
        "per attempt, first."
    )


def _edit_question(cms, question, **changes):
    """The question's CMS edit form sent as the browser would, with `changes` (None unticks a box)."""
    url = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])
    form = _as_the_browser_sends(cms.get(url).content.decode())
    for name, value in changes.items():
        if value is None:
            form.pop(name, None)
        else:
            form[name] = value
    return cms.post(url, form)


@pytest.mark.parametrize("when_short", [Quiz.KEEP_REVIEWED, Quiz.PAUSE])
def test_deleting_questions_leaves_a_quiz_asking_fewer(cms, person, module_page, when_short):
    quiz = module_page.quiz  # 6 questions, 5 asked in each attempt, pass mark 80%
    Quiz.objects.filter(pk=quiz.pk).update(when_short_of_reviewed=when_short)
    ids = _question_ids(quiz)[:5]

    response = _bulk_delete_questions(cms, ids)

    listing = reverse("wagtailsnippets_quizzes_question:list")
    assert (response.status_code, response["Location"]) == (302, listing)
    assert _refusal("Deleting these 5 questions", quiz, 1) in _messages(cms.get(listing))
    assert Question.objects.filter(pk__in=ids).count() == 5
    attempt = attempt_start(user=person, quiz=Quiz.objects.get(pk=quiz.pk), page=module_page)
    assert len(attempt.questions) == quiz.questions_per_attempt


def test_questions_deleted_together_are_judged_together(cms, module_page):
    """Deleting either of two questions alone would leave the quiz five for its five; both together leave it four."""
    quiz = module_page.quiz
    first, second, *_ = _question_ids(quiz)

    _bulk_delete_questions(cms, [first, second])
    assert Question.objects.filter(pk__in=[first, second]).count() == 2

    _bulk_delete_questions(cms, [first])
    assert not Question.objects.filter(pk=first).exists()  # one to spare: deleted as before
    assert Question.objects.filter(bank__quizzes=quiz).count() == 5


def test_a_questions_own_delete_is_refused_when_it_would_leave_a_quiz_short(cms, db):
    quiz = factories.make_quiz(questions=5, per_attempt=5)
    question = Question.objects.filter(bank__quizzes=quiz).first()
    delete = reverse("wagtailsnippets_quizzes_question:delete", args=[question.pk])
    edit = reverse("wagtailsnippets_quizzes_question:edit", args=[question.pk])

    for method in ("get", "post"):
        response = getattr(cms, method)(delete)
        assert (response.status_code, response["Location"]) == (302, edit), method
    assert _refusal("Deleting this question", quiz, 4) in _messages(cms.get(edit))
    assert Question.objects.filter(pk=question.pk).exists()


def test_unticking_active_is_refused_when_it_would_leave_a_quiz_short(cms, module_page):
    short = factories.make_quiz(questions=5, per_attempt=5)
    question = Question.objects.filter(bank__quizzes=short).first()

    response = _edit_question(cms, question, active=None)

    assert response.status_code == 200
    assert _refusal("Unticking “active”", short, 4) in response.content.decode()
    assert Question.objects.get(pk=question.pk).active

    spare = Question.objects.filter(bank__quizzes=module_page.quiz).first()  # six for five: one to spare
    assert _edit_question(cms, spare, active=None).status_code == 302
    assert not Question.objects.get(pk=spare.pk).active


def test_moving_a_question_to_a_bank_its_quiz_does_not_draw_from_is_refused(cms, db):
    quiz = factories.make_quiz(questions=5, per_attempt=5)
    question = Question.objects.filter(bank__quizzes=quiz).first()
    elsewhere = QuestionBank.objects.create(title="Elsewhere")

    response = _edit_question(cms, question, bank=str(elsewhere.pk))

    assert response.status_code == 200
    assert _refusal("Moving this question to “Elsewhere”", quiz, 4) in response.content.decode()
    assert Question.objects.get(pk=question.pk).bank_id != elsewhere.pk

    quiz.banks.add(elsewhere)  # a bank the quiz draws from too: the question still counts for it
    quiz.save()
    assert _edit_question(cms, question, bank=str(elsewhere.pk)).status_code == 302
    assert Question.objects.get(pk=question.pk).bank_id == elsewhere.pk


@pytest.fixture
def left_short(module_page):
    """The quiz's banks hold one active question for its five per attempt, however that came about (questions
    retired before the doors refused it)."""
    Question.objects.filter(pk__in=_question_ids(module_page.quiz)[:5]).update(active=False)
    return module_page.quiz


@pytest.mark.parametrize("when_short", [Quiz.KEEP_REVIEWED, Quiz.PAUSE])
def test_a_quiz_short_of_active_questions_is_paused_not_asked_short(
    person, person_client, module_page, left_short, when_short
):
    Quiz.objects.filter(pk=left_short.pk).update(when_short_of_reviewed=when_short)

    with pytest.raises(AttemptError, match=PAUSED):
        attempt_start(user=person, quiz=Quiz.objects.get(pk=left_short.pk), page=module_page)

    response = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]), follow=True)
    assert PAUSED in response.content.decode()  # on the module page, as a quiz paused for review says so
    assert not Attempt.objects.exists() and not ModuleCompletion.objects.exists()


def test_the_editor_is_told_a_quiz_is_short_of_active_questions(cms, left_short):
    html = cms.get(reverse("modules_review_list")).content.decode()

    assert f"{left_short.title}</strong> has 1 active question for 5 per attempt" in html
    assert "It is paused: nobody can start it until its banks hold enough active questions" in html
