"""A held scenario is released as changed when the module is published with that scenario's content changed from what
was flagged, and only then. The flag keeps a hash of the content it was raised on: the revision before the publish
may be a draft nobody saw, so comparing with it released an unchanged scenario after a draft was thrown away, and kept
holding a changed one published from a draft that already had the change."""

import pytest
from wagtail.blocks import StreamValue

from modules.models import ModulePage, ReviewFlag
from modules.review import review_flags_raise
from tests import factories


@pytest.fixture
def flagged(policy, module_page):
    """Version 2.0 changed clause 6.2: both of the module's scenarios (tagged 6.2 and 9) are held."""
    review_flags_raise(snapshot=factories.make_snapshot(policy, version="2.0"), clauses=["6.2"])
    assert ReviewFlag.objects.filter(page=module_page).count() == 2
    return module_page.scenario_blocks()[0].id


def edited(module_page, block_id, *, remove=False, **changes):
    """The module's latest revision with the scenario's fields changed, or the scenario taken out; every block keeps
    its id."""
    page = ModulePage.objects.get(pk=module_page.pk).get_latest_revision_as_object()
    body = []
    for raw in page.body.raw_data:
        if raw["id"] != block_id:
            body.append(dict(raw))
        elif not remove:
            body.append({**raw, "value": {**raw["value"], **changes}})
    page.body = StreamValue(page.body.stream_block, body, is_lazy=True)
    return page


def still_held(module_page) -> set[str]:
    open_flags = ReviewFlag.objects.filter(page=module_page, resolved_at__isnull=True)
    return set(open_flags.values_list("block_id", flat=True))


def test_a_draft_thrown_away_does_not_release_the_unchanged_scenario(module_page, flagged):
    edited(module_page, flagged, title="A rewrite, later abandoned").save_revision()  # a draft, never published
    page = ModulePage.objects.get(pk=module_page.pk)  # as published: the scenario as flagged
    page.title = "Module, retitled"
    page.save_revision().publish()

    assert flagged in still_held(module_page)


def test_publishing_a_change_saved_first_as_a_draft_releases_the_scenario(module_page, flagged):
    edited(module_page, flagged, question="What does the new rule ask of you?").save_revision()  # a first draft
    page = ModulePage.objects.get(pk=module_page.pk).get_latest_revision_as_object()
    page.summary = "Updated for version 2.0."  # the next draft keeps the change and adds another
    page.save_revision().publish()

    assert still_held(module_page) == {module_page.scenario_blocks()[1].id}
    released = ReviewFlag.objects.get(page=module_page, block_id=flagged)
    assert released.resolution == "changed"


def test_publishing_the_module_with_the_scenario_taken_out_releases_its_flag(module_page, flagged):
    edited(module_page, flagged, remove=True).save_revision().publish()

    assert flagged not in still_held(module_page)


def test_publishing_other_changes_keeps_every_scenario_held(module_page, flagged):
    page = ModulePage.objects.get(pk=module_page.pk)
    page.summary = "A new summary."
    # Stored again from the blocks' values, as the CMS's edit form stores them (its options' list items get ids): the
    # same content, in another shape.
    page.body = StreamValue(page.body.stream_block, [(c.block_type, c.value, c.id) for c in page.body])
    page.save_revision().publish()
    assert "type" in ModulePage.objects.get(pk=module_page.pk).body.raw_data[1]["value"]["options"][0]

    assert len(still_held(module_page)) == 2
