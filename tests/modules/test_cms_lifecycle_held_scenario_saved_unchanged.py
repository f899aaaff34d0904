"""A module written by code (the demo's modules, `load_demo`) whose scenarios a material change held for review keeps
them held when an editor publishes it from the CMS without changing them. The CMS's rich text editor keys each
paragraph as it saves (data-block-key), which changed the scenario's content hash, so the flag was resolved as
"changed" and the scenario released to staff, teaching the superseded rule, though nobody had touched it. A
scenario whose words change is still released, as before. For the same reason, an answer from a module page served
before such a publish was refused as "changed while you were reading it"."""

import pytest
from django.urls import reverse

from modules.models import ModulePage, ReviewFlag, ScenarioResponse
from modules.review import review_flags_raise
from tests import factories
from tests.modules.test_cms_lifecycle_revert_held_scenario import _publish
from tests.modules.test_scenario_changed_while_reading import _shown


@pytest.fixture
def module(policy):
    """Written by code, as `load_demo` writes the demo's modules: its rich text has no paragraph keys."""
    module = factories.make_module(policy=policy, scenarios=1, with_quiz=False)
    assert "data-block-key" not in str(module.body.raw_data)
    return module


@pytest.fixture
def held(policy, module):
    review_flags_raise(snapshot=factories.make_snapshot(policy, version="2.0"), clauses=["6.2"])
    held = module.held_scenario_ids()
    assert len(held) == 1
    return held


def test_publishing_it_from_the_cms_unchanged_keeps_the_scenario_held(cms, module, held):
    _publish(cms, reverse("wagtailadmin_pages:edit", args=[module.pk]), module)

    published = ModulePage.objects.get(pk=module.pk)
    assert "data-block-key" in str(published.body.raw_data)  # keyed by the CMS's editor
    assert published.held_scenario_ids() == held
    assert not ReviewFlag.objects.filter(resolution="changed").exists()


def test_publishing_it_with_the_scenario_rewritten_releases_it(cms, module, held):
    edit = reverse("wagtailadmin_pages:edit", args=[module.pk])
    _publish(cms, edit, module, question="Under the new rule, what should you do?")

    assert ModulePage.objects.get(pk=module.pk).held_scenario_ids() == set()
    assert ReviewFlag.objects.get().resolution == "changed"


def test_an_answer_from_a_page_served_before_it_was_published_unchanged_is_recorded(cms, person, person_client, module):
    block = module.scenario_blocks()[0].id
    shown = _shown(person_client, module, block)
    _publish(cms, reverse("wagtailadmin_pages:edit", args=[module.pk]), module)

    url = reverse("modules:scenario_choose", args=[module.pk, block])
    page = person_client.post(url, {"option": "1", "shown": shown}, follow=True).content.decode()

    assert "was changed while you were reading it" not in page
    assert ScenarioResponse.objects.filter(user=person, page_id=module.pk, block_id=block, option_index=1).exists()
