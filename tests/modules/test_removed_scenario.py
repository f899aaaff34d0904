"""A scenario taken out of a module while someone has the page open: pressing "Check my choice" says so on the
module page, with or without JavaScript, and records nothing."""

from django.urls import reverse

from modules.models import ModulePage, ScenarioResponse


def remove_scenario(module_page, block_id):
    page = ModulePage.objects.get(pk=module_page.pk)
    page.body = [(child.block_type, child.value) for child in page.body if child.id != block_id]
    page.save_revision().publish()


GONE = "That scenario is no longer part of this module: the module was changed while you were working through it."


def test_checking_a_choice_in_a_removed_scenario_says_so_on_the_module_page(person_client, module_page):
    block = module_page.scenario_blocks()[0].id
    person_client.get(module_page.url)
    remove_scenario(module_page, block)

    response = person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), {"option": "1"})

    assert response.status_code == 302 and response["Location"] == module_page.url
    page = person_client.get(response["Location"]).content.decode()
    assert GONE in page and f'id="scenario-{block}"' not in page
    assert not ScenarioResponse.objects.exists()


def test_no_option_chosen_in_a_removed_scenario_still_says_it_has_gone(person_client, module_page):
    block = module_page.scenario_blocks()[0].id
    remove_scenario(module_page, block)

    response = person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block]), follow=True)

    assert GONE in response.content.decode()


def test_the_enhanced_page_is_told_the_scenario_has_gone(person_client, module_page):
    block = module_page.scenario_blocks()[0].id
    remove_scenario(module_page, block)

    url = reverse("modules:scenario_choose", args=[module_page.pk, block])
    response = person_client.post(url, {"option": "1"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 409 and GONE in response.json()["error"]
    assert not ScenarioResponse.objects.exists()


def test_signing_in_again_to_a_removed_scenario_goes_to_the_module_page(person_client, module_page):
    block = module_page.scenario_blocks()[0].id
    remove_scenario(module_page, block)

    response = person_client.get(reverse("modules:scenario_choose", args=[module_page.pk, block]))

    assert response.status_code == 302 and response["Location"] == module_page.url
