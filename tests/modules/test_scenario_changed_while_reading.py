"""A scenario changed while someone has the module page open (its options reworded or swapped in the annual update):
pressing "Check my choice" records nothing and says so, with or without JavaScript. The form posts the option's
place among the options, so the answer was recorded against the new options: the option in that place, with its
text and whether it was the expected one, which was not what the person had read and chosen (and could complete the
module for them, or count an answer they never gave as wrong). The form now carries the scenario as shown."""

import re

import pytest
from django.urls import reverse
from wagtail.blocks import StreamValue

from modules.models import ModulePage, ScenarioResponse

CHANGED = "“Scenario 1” was changed while you were reading it. Read it again, then choose."


def _shown(client, module_page, block_id) -> str:
    """The scenario's form as the module page shows it: what it posts to say which version of the scenario it was."""
    html = client.get(module_page.url).content.decode()
    form = html[html.index(f'action="{reverse("modules:scenario_choose", args=[module_page.pk, block_id])}"') :]
    return re.search(r'name="shown" value="([0-9a-f]{64})"', form)[1]


def _swap_the_expected_option(module_page, block_id) -> None:
    """The editor swaps the first two options of the scenario, so the expected one is in another place."""
    page = ModulePage.objects.get(pk=module_page.pk)
    body = []
    for raw in page.body.raw_data:
        if raw["id"] == block_id:
            options = list(raw["value"]["options"])
            options[0], options[1] = options[1], options[0]
            raw = {**raw, "value": {**raw["value"], "options": options}}
        body.append(dict(raw))
    page.body = StreamValue(page.body.stream_block, body, is_lazy=True)
    page.save_revision().publish()


@pytest.fixture
def opened(person_client, module_page):
    """The person has the module page open at the first scenario: its id and what the form carries."""
    block = module_page.scenario_blocks()[0].id
    return block, _shown(person_client, module_page, block)


def test_an_answer_to_a_scenario_changed_since_the_page_was_shown_records_nothing_and_says_so(
    person_client, module_page, opened
):
    block, shown = opened
    _swap_the_expected_option(module_page, block)
    url = reverse("modules:scenario_choose", args=[module_page.pk, block])

    response = person_client.post(url, {"option": "1", "shown": shown})

    assert response.status_code == 302 and response["Location"] == module_page.url
    page = person_client.get(response["Location"]).content.decode()
    assert CHANGED in page
    assert not ScenarioResponse.objects.exists()
    # The page shown again carries the scenario as it now reads, and an answer from it is recorded.
    again = _shown(person_client, module_page, block)
    assert person_client.post(url, {"option": "0", "shown": again}).status_code == 302
    response = ScenarioResponse.objects.get()
    assert (response.option_index, response.expected) == (0, True)


def test_the_enhanced_page_is_told_the_scenario_changed(person_client, module_page, opened):
    block, shown = opened
    _swap_the_expected_option(module_page, block)

    url = reverse("modules:scenario_choose", args=[module_page.pk, block])
    response = person_client.post(url, {"option": "1", "shown": shown}, HTTP_ACCEPT="application/json")

    assert response.status_code == 409 and response.json()["error"] == CHANGED
    assert not ScenarioResponse.objects.exists()


def test_an_answer_to_the_scenario_as_shown_is_recorded(person_client, module_page, opened):
    block, shown = opened

    url = reverse("modules:scenario_choose", args=[module_page.pk, block])
    person_client.post(url, {"option": "1", "shown": shown})

    response = ScenarioResponse.objects.get()
    assert (response.option_index, response.expected) == (1, True)
