"""A module reverted in the CMS (its Revisions, "Revert", then Publish) to a revision from before a material policy
change holds back again the scenarios that change held for review. An editor had rewritten the held scenario (which
releases it, as changed) and later reverted the module to undo some other edit: the superseded scenario came back
word for word, unheld, and staff were taught the old rule again with nothing on Content to review. Its flag had been
resolved as changed, and nothing looked at the content coming back. A scenario an editor confirmed as still correct
comes back released."""

from html import unescape

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text

from modules.models import ModulePage, ReviewFlag
from modules.review import review_flags_raise, review_flags_resolve
from tests import factories


def _body_form(page: ModulePage, question: str | None = None) -> dict:
    """The module's body as the CMS's edit form sends it (its scripts build it), block ids included; `question` in
    place of each scenario's question."""
    items = {}
    for order, child in enumerate(page.body):
        if child.block_type == "text":
            value = rich_text(child.value.source)
        else:
            scenario = child.value
            options = {
                str(i): {
                    "value": {
                        "text": item.value["text"],
                        "expected": "on" if item.value["expected"] else "",
                        "feedback": rich_text(item.value["feedback"].source),
                    },
                    "id": item.id,
                    "deleted": "",
                    "order": str(i),
                }
                for i, item in enumerate(scenario["options"].bound_blocks)
            }
            value = {
                "title": scenario["title"],
                "situation": rich_text(scenario["situation"].source),
                "question": question or scenario["question"],
                "options": {"count": str(len(options)), **options},
                "clauses": scenario["clauses"],
            }
        items[str(order)] = {
            "type": child.block_type,
            "value": value,
            "id": child.id,
            "deleted": "",
            "order": str(order),
        }
    return nested_form_data({"body": {"count": str(len(items)), **items}})


def _publish(cms, url: str, page: ModulePage, question: str | None = None) -> str:
    """Publish from the CMS page at `url` (the edit page, or a revision's revert page) with `page`'s content."""
    form = querydict_from_html(cms.get(url).content.decode(), form_id="page-edit-form").dict()
    form.update(_body_form(page, question))
    form["action-publish"] = "action-publish"
    response = cms.post(url, form, follow=True)
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.fixture
def module(cms, policy):
    """A module as an editor writes it: published from the CMS's edit page, which keys its rich text's paragraphs."""
    module = factories.make_module(policy=policy, scenarios=1, with_quiz=False)
    _publish(cms, reverse("wagtailadmin_pages:edit", args=[module.pk]), module)
    return ModulePage.objects.get(pk=module.pk)


@pytest.fixture
def held(policy, module):
    """Version 2.0 changed clause 6.2: the module's scenario on it is held."""
    review_flags_raise(snapshot=factories.make_snapshot(policy, version="2.0"), clauses=["6.2"])
    held = module.held_scenario_ids()
    assert len(held) == 1
    return held


def _rewrite_then_revert(cms, module) -> str:
    before = module.get_latest_revision()
    edit = reverse("wagtailadmin_pages:edit", args=[module.pk])
    _publish(cms, edit, module, question="Under the new rule, what should you do?")
    assert ModulePage.objects.get(pk=module.pk).held_scenario_ids() == set()  # rewritten: released, as changed
    revert = reverse("wagtailadmin_pages:revisions_revert", args=[module.pk, before.pk])
    return _publish(cms, revert, before.as_object())


def test_reverting_to_the_scenario_a_change_held_holds_it_again(cms, module, held):
    shown = _rewrite_then_revert(cms, module)

    reverted = ModulePage.objects.get(pk=module.pk)
    assert reverted.body[1].value["question"] == "What should you do?"  # the old scenario is back
    assert reverted.held_scenario_ids() == held
    assert not reverted.learner_scenario_blocks()
    flag = ReviewFlag.objects.get(page=reverted, resolved_at__isnull=True)
    assert (flag.block_id, flag.clause, flag.snapshot.version_label) == (*held, "6.2", "2.0")
    assert "Held back from staff until reviewed: “Scenario 1” (clause 6.2, changed materially in version 2.0)." in shown


def test_a_scenario_confirmed_still_correct_comes_back_released(cms, module, held):
    review_flags_resolve(flags=ReviewFlag.objects.filter(page=module), user=None, resolution="confirmed")

    shown = _rewrite_then_revert(cms, module)

    assert ModulePage.objects.get(pk=module.pk).held_scenario_ids() == set()
    assert "Held back from staff" not in shown
