"""A module's state reads the same on its own page and on My training: both come from modules.progress."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import Requirement
from portal.compliance.projection import refresh
from quizzes.models import Attempt, Question
from tests import factories

# The module page's words, and what My training says for the module it requires. Completing the module records
# the evidence, so My training then says what the record says.
MY_TRAINING_SAYS = {"Not started": "Not started", "In progress": "In progress", "Completed": "Compliant"}


def answer_scenario(client, module, block_id, option=1):
    client.post(reverse("modules:scenario_choose", args=[module.pk, block_id]), {"option": str(option)})


def pass_the_quiz(client, person, module):
    # Tests turn the clock back to pass a quiz days ago; its questions were written before then, or the attempt would
    # be refused as begun before they were last edited (quizzes.services.attempt_submit).
    Question.objects.filter(changed_at__gt=timezone.now()).update(changed_at=timezone.now())
    attempt_url = client.post(reverse("modules:quiz_start", args=[module.pk]))["Location"]
    attempt = Attempt.objects.get(user=person, submitted_at__isnull=True)
    answers = {f"q{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}
    assert client.post(attempt_url, answers).status_code == 302


def module_page_says(client, module) -> str:
    html = client.get(module.url).content.decode()
    return re.search(r'id="module-status">([^<]+)<', html).group(1)


def my_training_row(client, name) -> str:
    html = client.get(reverse("reports:my_training")).content.decode()
    for row in re.findall(r"<tr\b.*?</tr>", html, flags=re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        if name in text:
            return text
    raise AssertionError(f"No row for {name!r} on My training")


def my_training_says(client, name) -> str:
    return re.search(r"Status (.+?) Due date or expiry", my_training_row(client, name)).group(1)


@pytest.fixture
def required_module(person, module_page):
    """A module the person must complete within 90 days of starting today: not yet due, so not started, until
    they begin."""
    staff = factories.make_staff(user=person, start_date=timezone.localdate())
    factories.make_requirement(
        name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page, new_starter_days=90
    )
    refresh(staff_ids=[staff.pk])
    return module_page


def _nothing(client, person, module):
    pass


def _quiz_passed_scenarios_not_done(client, person, module):
    pass_the_quiz(client, person, module)


def _one_scenario_tried(client, person, module):
    answer_scenario(client, module, module.scenario_blocks()[0].id, option=0)


def _everything(client, person, module):
    for block in module.scenario_blocks():
        answer_scenario(client, module, block.id)
    pass_the_quiz(client, person, module)


@pytest.mark.parametrize(
    "done, expected",
    [
        (_nothing, "Not started"),
        (_quiz_passed_scenarios_not_done, "In progress"),
        (_one_scenario_tried, "In progress"),
        (_everything, "Completed"),
    ],
    ids=["nothing", "quiz-passed-scenarios-not-done", "one-scenario-tried", "everything"],
)
def test_my_training_and_the_module_page_say_the_same(person, person_client, required_module, done, expected):
    done(person_client, person, required_module)
    on_the_module = module_page_says(person_client, required_module)
    assert on_the_module == expected
    assert my_training_says(person_client, "Social media module") == MY_TRAINING_SAYS[on_the_module]


def test_a_module_begun_says_how_far_and_offers_to_continue(person, person_client, required_module):
    pass_the_quiz(person_client, person, required_module)
    row = my_training_row(person_client, "Social media module")
    assert "Continue the module" in row and "Start the module" not in row
    assert "0 of 2 scenarios worked through; quiz passed." in row
