"""A material policy change holds all but one of a quiz's questions for review, and the quiz keeps asking the reviewed
ones, as its editor chose: an attempt asks that one question and one right answer passes. That is the editor's
choice to make (pausing the quiz is the other), so it is not refused, but the CMS says what it means: where the
choice is made, and on Content to review while it happens. The person reads a page written for one question."""

import pytest
from django.urls import reverse

from modules.models import ModuleCompletion
from quizzes.models import Choice, Question
from tests import factories
from tests.quizzes.test_held_for_review import _material_change_to


@pytest.fixture
def module(policy):
    """A quiz of 5 questions per attempt: five on clause 6.2, one on clause 9, and 6.2 changed materially."""
    quiz = factories.make_quiz(questions=5, per_attempt=5)
    question = Question.objects.create(bank=quiz.banks.get(), kind="single", stem="On 9?", clause="9")
    Choice.objects.create(question=question, text="Right", is_correct=True, feedback="Yes.")
    Choice.objects.create(question=question, text="Wrong", is_correct=False, feedback="No.")
    module = factories.make_module(policy=policy, quiz=quiz)
    _material_change_to(policy, "6.2")
    assert quiz.active_question_ids() == [question.pk]
    return module


def test_content_to_review_says_one_right_answer_passes(cms, module):
    html = " ".join(cms.get(reverse("modules_review_list")).content.decode().split())
    assert f"{module.quiz.title}</strong> has 1 reviewed question for 5 per attempt while 5 wait for review" in html
    keeps_asking = "It keeps asking the reviewed questions only: an attempt now asks 1 question, and 1 right answer"
    assert f"{keeps_asking} passes." in html


def test_the_quiz_setting_says_an_attempt_may_come_down_to_one_question(cms, module):
    html = cms.get(reverse("wagtailsnippets_quizzes_quiz:edit", args=[module.quiz.pk])).content.decode()
    assert "can leave an attempt as short as one question, passed with one right answer" in html


def test_the_person_is_asked_the_one_question_and_passes_with_its_answer(person, person_client, module):
    factories.make_staff(user=person)
    for block in module.learner_scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module.pk, block.id]), {"option": "1"})
    url = person_client.post(reverse("modules:quiz_start", args=[module.pk]))["Location"]
    html = person_client.get(url).content.decode()
    assert "Answer the question. You need 80% to pass." in html and "Answer all 1 questions" not in html
    question = Question.objects.get(clause="9")
    answer = {f"q{question.pk}": [str(question.choices.get(is_correct=True).pk)]}
    result = person_client.post(url, answer)["Location"]
    assert "You passed" in person_client.get(result).content.decode()
    assert ModuleCompletion.objects.filter(page=module).count() == 1
