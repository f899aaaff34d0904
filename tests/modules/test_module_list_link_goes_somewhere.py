"""The list of modules is linked only where there is one, and its old address (/learn/) follows the module index page
with a temporary redirect. Before, My training linked "See all the training modules" to /learn/ with no module index
published, which sent the person straight back to My training; and /learn/ redirected permanently (301) to the index,
an answer browsers keep, so a person who followed it once went on to the old page after an editor moved or replaced
the index."""

import re

import pytest
from django.urls import reverse

from modules.models import ModuleIndexPage
from portal.people.models import TeamManager
from tests import factories

LINK = re.compile(r'<a href="([^"]+)">See all the training modules</a>')


def manager_of(person):
    team = factories.make_team()
    factories.make_staff(user=person, team=team)
    manager = factories.make_user(email="manager@example.nhs.uk")
    TeamManager.objects.create(staff=factories.make_staff(user=manager, team=team), team=team)
    return manager


def my_training(client) -> str:
    return client.get(reverse("reports:my_training")).content.decode()


def test_with_no_module_index_my_training_offers_no_list_of_modules(person, person_client, home_page):
    factories.make_staff(user=person)
    html = my_training(person_client)
    assert "<h1>My training</h1>" in html and not LINK.search(html)


def test_my_training_links_straight_to_the_module_index(person, person_client, module_page):
    factories.make_staff(user=person)
    assert LINK.search(my_training(person_client)).group(1) == module_page.get_parent().url


@pytest.mark.parametrize("who", ["person", "manager", "outsider"])
def test_the_old_address_with_no_module_index_says_so_on_my_training(who, client, person, someone_else, home_page):
    user = {"person": person, "manager": manager_of(person), "outsider": someone_else}[who]
    factories.sign_in(client, user)
    response = client.get("/learn/")
    assert response.status_code == 302 and response["Location"] == reverse("reports:my_training")
    assert "No list of training modules has been published yet" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", ["person", "manager", "outsider"])
def test_the_old_address_follows_the_module_index_for_now_only(who, client, person, someone_else, module_page):
    user = {"person": person, "manager": manager_of(person), "outsider": someone_else}[who]
    factories.sign_in(client, user)
    first = module_page.get_parent()
    response = client.get("/learn/")
    assert response.status_code == 302 and response["Location"] == first.url
    first.unpublish()
    second = first.get_parent().add_child(instance=ModuleIndexPage(title="Training", slug="training-modules"))
    second.save_revision().publish()
    response = client.get("/learn/")
    assert response.status_code == 302 and response["Location"] == second.url == "/training-modules/"
