"""The checks a submission makes (a265b47, 2c1ae7c) at their edges: an attempt drawn short is still checked in the
one UPDATE that records it, and an attempt open without the number it was drawn with (begun by the code before
a265b47 after migration 0006 had run, as during a deploy) is not passed on a number nobody knows: it is retired, the
person told the quiz changed, and starting again draws a full attempt that records."""

import pytest
from django.urls import reverse

from modules.models import ModuleCompletion
from portal.compliance.models import Requirement
from quizzes.models import Attempt, Choice, Question
from quizzes.services import AttemptOutdatedError, attempt_start, attempt_submit
from tests import factories
from tests.modules.test_quiz_changed_mid_attempt import CHANGED, nothing_recorded, right
from tests.quizzes.test_held_for_review import _material_change_to


def _answers(attempt) -> dict:
    return {q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()}


@pytest.fixture
def short_attempt(person, policy):
    """5 per attempt from five questions on clause 6.2 and two on 9; 6.2 changed materially: 2 are drawn."""
    quiz = factories.make_quiz(questions=5, per_attempt=5)
    for number in range(2):
        question = Question.objects.create(bank=quiz.banks.get(), kind="single", stem=f"On 9, {number}?", clause="9")
        Choice.objects.create(question=question, text="Right", is_correct=True, feedback="Yes.")
        Choice.objects.create(question=question, text="Wrong", is_correct=False, feedback="No.")
    _material_change_to(policy, "6.2")
    attempt = attempt_start(user=person, quiz=quiz)
    assert attempt.drawn_short and len(attempt.questions) == 2
    return attempt


def test_a_short_attempt_is_recorded_in_one_statement_as_a_full_one_is(short_attempt, django_assert_num_queries):
    with django_assert_num_queries(1):  # the UPDATE, its checks subqueries of it
        assert attempt_submit(attempt=short_attempt, answers=_answers(short_attempt)).newly_recorded


def test_a_short_attempt_refused_in_that_statement_records_nothing(short_attempt):
    Question.objects.filter(held_for_review=True).update(held_for_review=False)  # reviewed, out of the CMS's sight
    with pytest.raises(AttemptOutdatedError):
        attempt_submit(attempt=short_attempt, answers=_answers(short_attempt))
    short_attempt.refresh_from_db()
    assert short_attempt.submitted_at is None


@pytest.fixture
def learner(person):
    return factories.make_staff(user=person)


def test_an_attempt_open_without_its_number_is_not_passed_and_starting_again_records(
    learner, person_client, module_page
):
    factories.make_requirement(name="M", kind=Requirement.COMPLETE_MODULE, page=module_page)
    for block in module_page.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block.id]), {"option": "1"})
    start = reverse("modules:quiz_start", args=[module_page.pk])
    url = person_client.post(start)["Location"]
    attempt = Attempt.objects.get()
    Attempt.objects.update(questions_per_attempt=None)  # as the code before a265b47 left it

    response = person_client.post(url, right(attempt))
    assert response.status_code == 200 and CHANGED in response.content.decode()
    assert nothing_recorded(learner, attempt)
    again = person_client.post(start)["Location"]
    new = Attempt.objects.get()
    assert again != url and new.questions_per_attempt == module_page.quiz.questions_per_attempt
    assert person_client.post(again, right(new))["Location"] == reverse("modules:attempt_result", args=[new.pk])
    assert ModuleCompletion.objects.filter(attempt=new).count() == 1
