"""Pressing "Check my choice" twice (a double click, the form sent again) on the last scenario of a module with no quiz
recorded the answer twice, and with it a second completion of the module and a second ledger entry (invariant 5).
The form now carries the answer the page showed (`answered`): the same form sent again records nothing new. A genuine
second answer, another option or the same one chosen again after another, from the same page or another tab, is
still an answer of its own."""

import re

import pytest
from django.urls import reverse

from modules.models import ModuleCompletion, ScenarioResponse
from portal.compliance.models import EvidenceEntry, Requirement
from tests import factories

EXPECTED, OTHER = "1", "0"  # `factories.scenario_value`: the second option is the one the policy expects


@pytest.fixture
def module(policy):
    return factories.make_module(policy=policy, scenarios=1, with_quiz=False)


@pytest.fixture
def learner(person, module):
    """Someone a requirement asks to complete the module: a completion is a ledger entry."""
    factories.make_requirement(name="Social media", kind=Requirement.COMPLETE_MODULE, page=module)
    return factories.make_staff(user=person, team=factories.make_team("Ward", kind="organisation"))


def opened(client, module) -> dict:
    """The scenario's form as the module page shows it now: what it carries besides the option."""
    html = client.get(module.url).content.decode()
    shown = re.search(r'name="shown" value="([0-9a-f]{64})"', html)[1]
    answered = re.search(r'name="answered" value="([^"]*)"', html)[1]
    return {"shown": shown, "answered": answered}


def choose(client, module, form: dict, option: str, **headers):
    block = module.scenario_blocks()[0].id
    url = reverse("modules:scenario_choose", args=[module.pk, block])
    return client.post(url, {**form, "option": option}, **headers)


def answers() -> list[int]:
    return list(ScenarioResponse.objects.order_by("created_at", "pk").values_list("option_index", flat=True))


def test_the_same_form_sent_twice_records_one_answer_one_completion_and_one_entry(person_client, module, learner):
    form = opened(person_client, module)

    first = choose(person_client, module, form, EXPECTED)
    again = choose(person_client, module, form, EXPECTED)

    assert first["Location"] == again["Location"] == f"{module.url}#scenario-{module.scenario_blocks()[0].id}"
    assert answers() == [1]
    assert ModuleCompletion.objects.filter(page=module).count() == 1
    assert EvidenceEntry.objects.filter(staff=learner).count() == 1


def test_the_same_choice_sent_twice_in_the_background_is_answered_alike_and_recorded_once(
    person_client, module, learner
):
    form = opened(person_client, module)

    first = choose(person_client, module, form, EXPECTED, HTTP_ACCEPT="application/json")
    again = choose(person_client, module, form, EXPECTED, HTTP_ACCEPT="application/json")

    assert first.status_code == again.status_code == 200
    assert first.json()["feedback_html"] == again.json()["feedback_html"] and again.json()["module_complete"]
    assert answers() == [1]
    assert EvidenceEntry.objects.filter(staff=learner).count() == 1


def test_answers_from_two_tabs_and_then_again_are_each_recorded(person_client, module):
    tab_one, tab_two = opened(person_client, module), opened(person_client, module)

    choose(person_client, module, tab_one, EXPECTED)
    choose(person_client, module, tab_two, OTHER)  # another choice, on a page that showed no answer either
    choose(person_client, module, opened(person_client, module), EXPECTED)  # the first tab, reloaded, chooses again

    assert answers() == [1, 0, 1]


def test_choosing_another_option_then_the_first_again_on_one_page_records_each(person_client, module):
    """In the background the form is not shown again between answers: what it carries is the page's first state."""
    form = opened(person_client, module)

    for option in (EXPECTED, OTHER, EXPECTED):
        choose(person_client, module, form, option, HTTP_ACCEPT="application/json")

    assert answers() == [1, 0, 1]


def test_a_form_from_before_it_carried_the_answer_shown_still_records(person_client, module):
    form = opened(person_client, module)
    del form["answered"]

    choose(person_client, module, form, EXPECTED)

    assert answers() == [1]
