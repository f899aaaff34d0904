"""An attempt drawn short (a material policy change held most of the quiz's questions, and the quiz keeps asking the
reviewed ones, fewer per attempt) records nothing once the quiz would no longer ask that few: its editor pauses it
instead, or the held questions are reviewed and a fresh start asks the full number. It says the quiz changed, as for
a changed pass mark or number of questions (test_quiz_questions_per_attempt_changed_mid_attempt.py)."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from modules.models import ModuleCompletion, ReviewFlag
from quizzes.models import Attempt, Choice, Question
from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import CHANGED, nothing_recorded, right
from tests.quizzes.test_held_for_review import _material_change_to


@pytest.fixture
def learner(person):
    return factories.make_staff(user=person)


@pytest.fixture
def module(policy):
    """A quiz of 5 questions per attempt from five on clause 6.2 and two on clause 9; 6.2 changed materially."""
    quiz = factories.make_quiz(questions=5, per_attempt=5)
    for number in range(2):
        question = Question.objects.create(bank=quiz.banks.get(), kind="single", stem=f"On 9, {number}?", clause="9")
        Choice.objects.create(question=question, text="Right", is_correct=True, feedback="Yes.")
        Choice.objects.create(question=question, text="Wrong", is_correct=False, feedback="No.")
    module = factories.make_module(policy=policy, quiz=quiz)
    _material_change_to(policy, "6.2")
    return module


@pytest.fixture
def under_way(learner, person_client, module):
    url = person_client.post(reverse("modules:quiz_start", args=[module.pk]))["Location"]
    attempt = Attempt.objects.get(submitted_at__isnull=True)
    assert len(attempt.questions) == 2  # the reviewed questions only
    return url, attempt


def test_a_short_attempt_records_nothing_once_the_editor_pauses_the_quiz(
    learner, person_client, cms, module, under_way
):
    url, attempt = under_way
    edit = reverse("wagtailsnippets_quizzes_quiz:edit", args=[module.quiz.pk])
    form = querydict_from_html(cms.get(edit).content.decode(), form_id="w-editor-form")
    form["when_short_of_reviewed"] = "pause"
    assert cms.post(edit, form).status_code == 302

    response = person_client.post(url, right(attempt))
    assert response.status_code == 200 and CHANGED in response.content.decode()
    assert nothing_recorded(learner, attempt)
    assert CHANGED in person_client.get(url).content.decode()
    again = person_client.post(reverse("modules:quiz_start", args=[module.pk]), follow=True).content.decode()
    assert "This quiz is paused while its questions are checked" in again
    assert not Attempt.objects.exists()


def test_a_short_attempt_records_nothing_once_the_held_questions_are_reviewed(
    learner, person_client, cms, module, under_way
):
    url, attempt = under_way
    for flag in ReviewFlag.objects.filter(question__isnull=False, resolved_at__isnull=True):
        assert cms.post(reverse("modules_review_confirm", args=[flag.pk])).status_code == 302
    assert len(module.quiz.active_question_ids()) == 7

    response = person_client.post(url, right(attempt))
    assert response.status_code == 200 and CHANGED in response.content.decode()
    assert nothing_recorded(learner, attempt)
    assert CHANGED in person_client.get(url).content.decode()
    person_client.post(reverse("modules:quiz_start", args=[module.pk]))
    assert len(Attempt.objects.get(submitted_at__isnull=True).questions) == 5


def test_a_short_attempt_records_while_the_quiz_still_asks_that_few(learner, person_client, module, under_way):
    url, attempt = under_way
    response = person_client.post(url, right(attempt))
    assert response["Location"] == reverse("modules:attempt_result", args=[attempt.pk])
    assert ModuleCompletion.objects.filter(attempt=attempt).count() == 1
