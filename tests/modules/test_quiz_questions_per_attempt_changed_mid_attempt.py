"""An editor changes how many questions a quiz asks in each attempt while someone is part way through it: the attempt,
drawn with the old number, records nothing and says the quiz changed; starting again draws the new number. As for
its pass mark (test_quiz_pass_mark_changed_mid_attempt.py)."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from modules.models import ModuleCompletion
from portal.compliance.models import EvidenceEntry, Requirement
from quizzes.models import Attempt
from tests import factories

MIGRATION = "0006_attempts_keep_their_questions_per_attempt"
CHANGED = "This module changed since you started the quiz. Start the quiz again."


@pytest.fixture
def learner(person):
    return factories.make_staff(user=person)


@pytest.fixture
def module(policy):
    """A quiz drawing 5 questions per attempt from a bank of 10."""
    return factories.make_module(policy=policy, quiz=factories.make_quiz(questions=10, per_attempt=5))


@pytest.fixture
def under_way(learner, person_client, module):
    """Scenarios done, the quiz begun: only the submission is left to complete the module."""
    factories.make_requirement(name="M", kind=Requirement.COMPLETE_MODULE, page=module)
    for block in module.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module.pk, block.id]), {"option": "1"})
    url = person_client.post(reverse("modules:quiz_start", args=[module.pk]))["Location"]
    attempt = Attempt.objects.get(submitted_at__isnull=True)
    assert len(attempt.questions) == 5
    return url, attempt


def right(attempt) -> dict:
    return {f"q{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}


def ask_per_attempt(cms, quiz, number: int) -> None:
    """The editor changes the quiz's questions per attempt on its edit page in the CMS."""
    url = reverse("wagtailsnippets_quizzes_quiz:edit", args=[quiz.pk])
    form = querydict_from_html(cms.get(url).content.decode(), form_id="w-editor-form")
    form["questions_per_attempt"] = str(number)
    assert cms.post(url, form).status_code == 302
    quiz.refresh_from_db()
    assert quiz.questions_per_attempt == number


@pytest.mark.parametrize("number", [10, 3])
def test_questions_per_attempt_changed_mid_attempt_records_nothing(
    learner, person_client, cms, module, under_way, number
):
    url, attempt = under_way
    ask_per_attempt(cms, module.quiz, number)
    response = person_client.post(url, right(attempt))
    assert response.status_code == 200 and CHANGED in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.passed is None
    assert not ModuleCompletion.objects.exists() and not EvidenceEntry.objects.filter(staff=learner).exists()
    assert CHANGED in person_client.get(url).content.decode()


def test_starting_again_draws_the_new_number(person_client, cms, module, under_way):
    url, attempt = under_way
    ask_per_attempt(cms, module.quiz, 10)
    again = person_client.post(reverse("modules:quiz_start", args=[module.pk]))["Location"]
    new = Attempt.objects.get(submitted_at__isnull=True)
    assert again != url and len(new.questions) == 10
    assert "Answer all 10 questions" in person_client.get(again).content.decode()
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert person_client.post(again, right(new))["Location"] == reverse("modules:attempt_result", args=[new.pk])
    assert ModuleCompletion.objects.filter(attempt=new).count() == 1


def test_an_attempt_open_before_the_number_was_kept_is_given_its_quizs_and_can_be_submitted(
    learner, person_client, module, under_way
):
    """Migration quizzes 0006 gives an attempt still open the number its quiz asks now (what was drawn is not known):
    it is submitted as before. A submitted one is left empty."""
    url, attempt = under_way
    done = Attempt.objects.create(user=learner.user, quiz=module.quiz, seed=1, pass_mark=80, questions=[])
    done.submitted_at = done.started_at
    done.save()
    Attempt.objects.update(questions_per_attempt=None)  # as before 0006
    state_apps = MigrationExecutor(connection).loader.project_state(("quizzes", MIGRATION)).apps
    importlib.import_module(f"quizzes.migrations.{MIGRATION}").open_attempts_as_their_quiz_asks(state_apps, None)
    assert dict(Attempt.objects.values_list("pk", "questions_per_attempt")) == {attempt.pk: 5, done.pk: None}
    assert person_client.post(url, right(attempt))["Location"] == reverse("modules:attempt_result", args=[attempt.pk])
    assert ModuleCompletion.objects.filter(attempt=attempt).count() == 1
