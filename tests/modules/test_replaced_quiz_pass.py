"""Only a pass at the module's quiz now (its live version's) counts towards completing it. A pass at a quiz an editor
has since replaced completes nothing: the page shows the new quiz still to do. A completion recorded before the quiz
was replaced stands (evidence is never rewritten; asking again is a re-attestation round's job), and a module whose
quiz was taken out is completed by its scenarios alone."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.blocks import StreamValue

from modules import services
from modules.models import ModuleCompletion, ModulePage
from portal.compliance.models import EvidenceEntry, Requirement, RequirementStatus
from portal.compliance.projection import refresh
from quizzes.models import Attempt
from tests import factories
from tests.modules.test_module_state_agrees import (
    answer_scenario,
    module_page_says,
    my_training_says,
    pass_the_quiz,
)

CHANGED_TO_DO = "This quiz has changed since you passed it. Pass this quiz to complete the module."
CHANGED_DONE = "You completed the module with an earlier version of this quiz."


@pytest.fixture
def learner(person, module_page):
    """Staff who must complete the module within 90 days of starting today."""
    staff = factories.make_staff(user=person, start_date=timezone.localdate())
    factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page, new_starter_days=90
    )
    refresh(staff_ids=[staff.pk])
    return staff


def replace_quiz(module, quiz):
    """An editor republishes the module with another quiz in its quiz block, or (quiz None) with no quiz block."""
    page = ModulePage.objects.get(pk=module.pk)
    body = []
    for child in page.body:
        if child.block_type != "quiz":
            body.append((child.block_type, child.value, child.id))
        elif quiz is not None:
            body.append(("quiz", {**dict(child.value), "quiz": quiz}, child.id))
    page.body = StreamValue(page.body.stream_block, body)  # the scenarios keep their ids
    page.save_revision().publish()
    return ModulePage.objects.get(pk=module.pk)


def work_through_scenarios(client, module):
    for block in module.scenario_blocks():
        answer_scenario(client, module, block.id)


def page_text(client, url) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", client.get(url).content.decode()).split())


def quiz_section(client, module) -> str:
    html = client.get(module.url).content.decode()
    section = re.search(r'<section class="nhsuk-card" id="quiz".*?</section>', html, flags=re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", section).split())


def test_a_pass_at_the_replaced_quiz_completes_nothing_until_the_new_one_is_passed(
    learner, person, person_client, module_page
):
    pass_the_quiz(person_client, person, module_page)
    old = Attempt.objects.get(passed=True)
    new_quiz = factories.make_quiz()
    module = replace_quiz(module_page, new_quiz)

    work_through_scenarios(person_client, module)

    assert not ModuleCompletion.objects.exists()
    assert not EvidenceEntry.objects.filter(staff=learner).exists()
    assert RequirementStatus.objects.get(staff=learner).completed_on is None
    # The old pass handed in again as just passed (a late retry of its submission) records nothing either.
    assert services.module_completion_record_if_complete(user=person, page=module, just_passed=old) is None
    assert not ModuleCompletion.objects.exists()

    pass_the_quiz(person_client, person, module)

    new = Attempt.objects.get(quiz=new_quiz, passed=True)
    assert list(ModuleCompletion.objects.values_list("attempt_id", flat=True)) == [new.pk]
    [entry] = EvidenceEntry.objects.filter(staff=learner)
    assert f"quiz attempt {new.pk} scored" in entry.source_ref
    assert RequirementStatus.objects.get(staff=learner).completed_on == timezone.localdate()


def test_the_module_page_shows_the_new_quiz_still_to_do(learner, person, person_client, module_page):
    pass_the_quiz(person_client, person, module_page)
    old = Attempt.objects.get(passed=True)
    module = replace_quiz(module_page, factories.make_quiz())
    work_through_scenarios(person_client, module)

    assert module_page_says(person_client, module) == "In progress"
    assert my_training_says(person_client, "Social media module") == "In progress"
    text = page_text(person_client, module.url)
    assert "2 of 2 scenarios worked through; quiz changed since you passed it." in text
    quiz = quiz_section(person_client, module)
    assert CHANGED_TO_DO in quiz and "Start the quiz" in quiz
    assert "Passed" not in quiz and "attempt" not in quiz  # the old quiz's pass and attempts are not this quiz's
    # The old attempt's result says the quiz changed, not that only the scenarios are left.
    result = page_text(person_client, reverse("modules:attempt_result", args=[old.pk]))
    assert "The module's quiz has changed since you took this one. Pass its new quiz to complete the module." in result
    assert "also work through its scenarios" not in result


def test_a_completion_made_before_the_quiz_was_replaced_stands(learner, person, person_client, module_page):
    work_through_scenarios(person_client, module_page)
    pass_the_quiz(person_client, person, module_page)
    [completion] = ModuleCompletion.objects.all()
    entries = list(EvidenceEntry.objects.filter(staff=learner).values_list("pk", "source_ref"))
    assert len(entries) == 1

    module = replace_quiz(module_page, factories.make_quiz())
    # Answering a scenario again asks for the completion again: nothing new is recorded, nothing taken away.
    response = person_client.post(
        reverse("modules:scenario_choose", args=[module.pk, module.scenario_blocks()[0].id]),
        {"option": "1"},
        headers={"accept": "application/json"},
    )

    assert list(ModuleCompletion.objects.all()) == [completion]
    assert list(EvidenceEntry.objects.filter(staff=learner).values_list("pk", "source_ref")) == entries
    assert module_page_says(person_client, module) == "Completed"
    assert my_training_says(person_client, "Social media module") == "Compliant"
    quiz = quiz_section(person_client, module)
    assert CHANGED_DONE in quiz and CHANGED_TO_DO not in quiz
    next_step = response.json()["feedback_html"]
    assert "You have completed this module" in next_step and "Pass it to complete the module" not in next_step


def test_a_module_whose_quiz_was_taken_out_is_completed_by_its_scenarios(learner, person, person_client, module_page):
    pass_the_quiz(person_client, person, module_page)
    module = replace_quiz(module_page, None)

    work_through_scenarios(person_client, module)

    [completion] = ModuleCompletion.objects.all()
    assert completion.attempt_id is None
    [entry] = EvidenceEntry.objects.filter(staff=learner)
    assert entry.source_ref == f"module “{module.title}” completed"
    assert module_page_says(person_client, module) == "Completed"
