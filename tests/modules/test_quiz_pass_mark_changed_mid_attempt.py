"""An editor changes a quiz's pass mark while someone is part way through it: the attempt, which told them the old
mark, records nothing and says the quiz changed; starting again asks for the new mark. Unchanged, it records."""

import pytest
from django.urls import reverse

from modules.models import ModuleCompletion
from portal.compliance.models import EvidenceEntry, Requirement
from quizzes.models import Attempt
from tests import factories

CHANGED = "This module changed since you started the quiz. Start the quiz again."


@pytest.fixture
def learner(person):
    return factories.make_staff(user=person)


@pytest.fixture
def under_way(learner, person_client, module_page):
    """Scenarios done, the quiz (5 questions, pass mark 80%) begun: only the submission is left."""
    factories.make_requirement(name="M", kind=Requirement.COMPLETE_MODULE, page=module_page)
    for block in module_page.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block.id]), {"option": "1"})
    url = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    return url, Attempt.objects.get(submitted_at__isnull=True)


def four_of_five(attempt) -> dict:
    questions = attempt.frozen_questions()
    answers = {f"q{q.id}": sorted(q.correct_ids) for q in questions}
    answers[f"q{questions[0].id}"] = [next(c.id for c in questions[0].choices if not c.correct)]
    return answers


def _pass_mark(quiz, mark):
    quiz.pass_mark = mark
    quiz.save()  # as the CMS's edit form saves it


@pytest.mark.parametrize("mark", [100, 60])
def test_a_pass_mark_changed_mid_attempt_records_nothing(learner, person_client, module_page, under_way, mark):
    url, attempt = under_way
    _pass_mark(module_page.quiz, mark)
    response = person_client.post(url, four_of_five(attempt))
    assert response.status_code == 200 and CHANGED in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.passed is None
    assert not ModuleCompletion.objects.exists() and not EvidenceEntry.objects.filter(staff=learner).exists()
    assert CHANGED in person_client.get(url).content.decode()


def test_starting_again_asks_the_new_pass_mark(person_client, module_page, under_way):
    url, attempt = under_way
    _pass_mark(module_page.quiz, 100)
    again = person_client.post(reverse("modules:quiz_start", args=[module_page.pk]))["Location"]
    new = Attempt.objects.get(submitted_at__isnull=True)
    assert again != url and new.pass_mark == 100
    assert "You need 100% to pass" in person_client.get(again).content.decode()
    assert not Attempt.objects.filter(pk=attempt.pk).exists()


def test_an_unchanged_pass_mark_still_records(learner, person_client, module_page, under_way):
    url, attempt = under_way
    module_page.quiz.title = "Renamed"  # a change to something the attempt does not depend on
    module_page.quiz.save()
    response = person_client.post(url, four_of_five(attempt))
    assert response["Location"] == reverse("modules:attempt_result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.passed is True and attempt.correct_count == 4
    assert ModuleCompletion.objects.filter(attempt=attempt).count() == 1
    assert EvidenceEntry.objects.filter(staff=learner).count() == 1
