"""A module copied in the CMS while scenarios on it are held for review holds them in the copy too, as it goes live
(published as it is copied, or later): the copy's scenarios teach the superseded rule as the original's do. Before,
the copy's scenarios had no flags, so staff worked through them at once while the original's waited for review. A
scenario confirmed on the copy stays released when the copy is published again."""

import pytest
from django.urls import reverse

from modules.models import ModulePage, ReviewFlag
from modules.review import review_flags_raise, review_flags_resolve
from tests import factories


@pytest.fixture
def held(policy, module_page):
    """Version 2.0 changed clause 6.2: the module's scenarios on it are held."""
    review_flags_raise(snapshot=factories.make_snapshot(policy, version="2.0"), clauses=["6.2"])
    held = module_page.held_scenario_ids()
    assert held
    return held


def _copy(cms, module_page, *, publish):
    data = {
        "new_title": "Module, copied",
        "new_slug": "module-copied",
        "new_parent_page": str(module_page.get_parent().pk),
    }
    if publish:
        data["publish_copies"] = "on"
    assert cms.post(reverse("wagtailadmin_pages:copy", args=[module_page.pk]), data).status_code == 302
    return ModulePage.objects.get(slug="module-copied")


def test_a_module_copied_and_published_holds_the_scenarios_held_on_the_original(cms, module_page, held):
    copy = _copy(cms, module_page, publish=True)

    assert copy.live
    assert copy.held_scenario_ids() == held
    assert not {block.id for block in copy.learner_scenario_blocks()} & held
    flag = ReviewFlag.objects.filter(page=copy).first()
    assert (flag.clause, flag.snapshot.version_label) == ("6.2", "2.0")
    assert module_page.held_scenario_ids() == held


def test_a_module_copied_as_a_draft_holds_them_when_it_is_published(cms, module_page, held):
    copy = _copy(cms, module_page, publish=False)
    assert not ReviewFlag.objects.filter(page=copy).exists()

    copy.get_latest_revision().publish()

    assert ModulePage.objects.get(pk=copy.pk).held_scenario_ids() == held


def test_a_scenario_confirmed_on_the_copy_stays_released_when_the_copy_is_published_again(cms, module_page, held):
    copy = _copy(cms, module_page, publish=True)
    review_flags_resolve(flags=ReviewFlag.objects.filter(page=copy), user=None, resolution="confirmed")

    ModulePage.objects.get(pk=copy.pk).save_revision().publish()

    assert ModulePage.objects.get(pk=copy.pk).held_scenario_ids() == set()
    assert module_page.held_scenario_ids() == held
