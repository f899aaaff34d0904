"""Answering a scenario brings the module's count up to date, and the last one says the scenarios are all done and
what to do next: in the page the server sends back (no JavaScript) and in what the enhanced page puts in place."""

import re

import pytest
from django.urls import reverse

from tests import factories


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def choose(client, module, block_id, option=1, **headers):
    return client.post(
        reverse("modules:scenario_choose", args=[module.pk, block_id]), {"option": str(option)}, **headers
    )


@pytest.fixture
def module(policy):
    return factories.make_module(policy=policy, scenarios=3)


def test_without_javascript_the_count_moves_and_the_last_scenario_says_what_next(person_client, module):
    first, second, third = (block.id for block in module.scenario_blocks())
    choose(person_client, module, first)
    page = text_of(person_client.get(module.url).content.decode())
    assert "In progress 1 of 3 scenarios worked through; quiz not yet passed." in page
    assert "You have worked through all" not in page

    choose(person_client, module, second)
    response = choose(person_client, module, third)
    assert response["Location"] == f"{module.url}#scenario-{third}"  # back at the scenario just answered
    html = person_client.get(response["Location"]).content.decode()
    page = text_of(html)
    assert "3 of 3 scenarios worked through; quiz not yet passed." in page
    assert "You have worked through all 3 scenarios Next, take the quiz . Pass it to complete the module." in page
    # Said once, under the scenario answered last, where the person is taken.
    assert html.count('id="module-next-step"') == 1
    feedback = re.search(rf'id="scenario-{third}-feedback".*?</section>', html, flags=re.S).group(0)
    assert 'id="module-next-step"' in feedback and 'href="#quiz"' in feedback
    assert "To complete the module, work through every scenario" not in page


def test_without_javascript_finishing_a_module_with_no_quiz_says_it_is_complete(person_client, policy):
    module = factories.make_module(policy=policy, scenarios=2, with_quiz=False)
    for block in module.scenario_blocks():
        response = choose(person_client, module, block.id)
    page = text_of(person_client.get(response["Location"]).content.decode())
    assert "Completed 2 of 2 scenarios worked through." in page
    assert "You have completed this module You have worked through all 2 scenarios." in page
    assert "Go to my training to see what else you need to do." in page
    assert 'href="/training/"' in person_client.get(module.url).content.decode()


def test_the_enhanced_page_gets_the_new_count_and_the_next_step(person_client, module):
    first, second, third = (block.id for block in module.scenario_blocks())
    data = choose(person_client, module, first, option=0, HTTP_ACCEPT="application/json").json()
    assert text_of(data["progress_html"]) == "In progress 0 of 3 scenarios worked through; quiz not yet passed."
    assert not data["scenario_done"] and not data["scenarios_complete"]
    assert "(0 of 3 scenarios done)" in data["quiz_note_html"]

    data = choose(person_client, module, first, HTTP_ACCEPT="application/json").json()
    assert text_of(data["progress_html"]) == "In progress 1 of 3 scenarios worked through; quiz not yet passed."
    assert data["scenario_done"] and "(1 of 3 scenarios done)" in data["quiz_note_html"]
    assert "You have worked through all" not in data["feedback_html"]

    choose(person_client, module, second, HTTP_ACCEPT="application/json")
    data = choose(person_client, module, third, HTTP_ACCEPT="application/json").json()
    assert text_of(data["progress_html"]) == "In progress 3 of 3 scenarios worked through; quiz not yet passed."
    assert data["scenarios_complete"] and not data["module_complete"]
    assert data["quiz_note_html"].strip() == ""
    assert "You have worked through all 3 scenarios Next, take the quiz" in text_of(data["feedback_html"])


def test_the_count_sits_in_a_polite_live_region(person_client, module):
    html = person_client.get(module.url).content.decode()
    region = re.search(r'<div id="module-progress" role="status">(.*?)</div>', html, flags=re.S)
    assert region and "0 of 3 scenarios worked through" in region.group(1)
