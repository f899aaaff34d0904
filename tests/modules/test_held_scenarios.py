"""A scenario on a clause that a new policy version changed materially is held back from staff until an editor
reviews it, as flagged questions are held back from quizzes: nobody is taught the superseded rule, and the module
can be completed without it. Editors still see it, marked, in the page's preview."""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse

from modules.models import ModuleCompletion, ReviewFlag, ScenarioResponse
from modules.review import review_flags_raise, review_flags_resolve
from tests import factories
from tests.factories import scenario_value


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def scenario(title, clauses):
    return ("scenario", {**scenario_value(title=title), "clauses": clauses})


@pytest.fixture
def module(policy):
    """No quiz: the scenarios are the module. "Disclaimers" teaches 6.2, which version 2 changes materially."""
    body = [("text", "<p>Read this first.</p>"), scenario("Media enquiries", "9"), scenario("Disclaimers", "6.2")]
    return factories.make_module(policy=policy, with_quiz=False, body=body)


@pytest.fixture
def version_two(policy):
    return factories.make_snapshot(policy, version="2.0")


def block_titled(module, title):
    return next(block for block in module.scenario_blocks() if block.value["title"] == title)


def test_a_flagged_scenario_is_held_back_from_staff_until_reviewed(person, person_client, module, version_two):
    page = text_of(person_client.get(module.url).content.decode())
    assert "Disclaimers" in page and "0 of 2 scenarios worked through." in page

    review_flags_raise(snapshot=version_two, clauses=["6.2"])
    page = text_of(person_client.get(module.url).content.decode())
    assert "Media enquiries" in page and "Disclaimers" not in page
    assert "0 of 1 scenario worked through." in page

    # Answering it (a page opened before the flag) records nothing, and says why.
    held = block_titled(module, "Disclaimers")
    response = person_client.post(reverse("modules:scenario_choose", args=[module.pk, held.id]), {"option": "1"})
    assert response["Location"] == module.url
    assert "is being reviewed after a change to the policy" in person_client.get(module.url).content.decode()
    json = person_client.post(
        reverse("modules:scenario_choose", args=[module.pk, held.id]), {"option": "1"}, HTTP_ACCEPT="application/json"
    )
    assert json.status_code == 409
    assert not ScenarioResponse.objects.filter(block_id=held.id).exists()

    # The module is complete without it.
    media = block_titled(module, "Media enquiries")
    person_client.post(reverse("modules:scenario_choose", args=[module.pk, media.id]), {"option": "1"})
    assert ModuleCompletion.objects.filter(user=person, page=module).count() == 1
    assert "You have completed this module" in person_client.get(module.url).content.decode()

    # Reviewed: it is back, for everyone.
    review_flags_resolve(flags=ReviewFlag.objects.all(), user=factories.make_user(), resolution="confirmed")
    page = text_of(person_client.get(module.url).content.decode())
    assert "Disclaimers" in page and "1 of 2 scenarios worked through." in page


def test_the_editor_still_sees_a_held_scenario_marked_in_the_preview(person, module, version_two):
    review_flags_raise(snapshot=version_two, clauses=["6.2"])
    request = RequestFactory().get(module.url)
    request.user, request.is_preview = person, True
    items = {
        item["block"].value["title"]: item
        for item in module.get_context(request)["body_items"]
        if item["block"].block_type == "scenario"
    }
    assert items["Disclaimers"]["held"] and not items["Media enquiries"]["held"]

    request.is_preview = False
    body = module.get_context(request)["body_items"]
    titles = [item["block"].value["title"] for item in body if item["block"].block_type == "scenario"]
    assert "Disclaimers" not in titles


def test_the_module_page_runs_the_same_queries_however_many_scenarios_are_held(
    person_client, policy, version_two, django_assert_num_queries
):
    small = factories.make_module(policy=policy, scenarios=1)
    large = factories.make_module(policy=policy, scenarios=6)
    review_flags_raise(snapshot=version_two, clauses=["6.2"])  # every factory scenario is about 6.2 and 9
    review_flags_resolve(
        flags=ReviewFlag.objects.filter(page=large).exclude(block_id=large.scenario_blocks()[0].id),
        user=factories.make_user(),
        resolution="confirmed",
    )
    assert len(large.learner_scenario_blocks()) == 5 and not small.learner_scenario_blocks()
    person_client.get(small.url)  # Wagtail caches the site's root paths after the first page
    # 1 session, 2 user, 3 site, 4-6 routing to the page (home, the index, the module with its policy), 7-8 its
    # ancestors' aliases and view restrictions, 9 scenarios held for review with the person's answers and status
    # rows, 10 attempts, 11 completions, 12 the quiz (tests/modules/test_query_budget.py). Nothing per scenario.
    for module in (small, large):
        with django_assert_num_queries(12):
            assert person_client.get(module.url).status_code == 200
