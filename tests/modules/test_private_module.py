"""A module behind Wagtail's privacy (a password, or certain groups only) is worked through only by someone it lets
in, on every door: the /learn/ posts that answer a scenario and start the quiz check the page's view restrictions, as
Wagtail does when it serves the page. They checked only that the module was live, so a password-protected module
could be worked through, and its completion recorded, by posting round the page."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from modules.models import ModuleCompletion, ScenarioResponse
from quizzes.models import Attempt
from tests import factories


@pytest.fixture
def quizless(policy):
    return factories.make_module(policy=policy, scenarios=1, with_quiz=False)


def by_password(page):
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3")


def to_group(page, group):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    return restriction


def answer(client, module):
    block = module.scenario_blocks()[0]
    return client.post(reverse("modules:scenario_choose", args=[module.pk, block.id]), {"option": "1"})


def start_quiz(client, module):
    return client.post(reverse("modules:quiz_start", args=[module.pk]))


@pytest.mark.parametrize("where", ["module", "a page above it"])
def test_a_password_protected_module_records_nothing_posted_round_its_page(person_client, quizless, module_page, where):
    for module in (quizless, module_page):
        by_password(module if where == "module" else module.get_parent())

    assert answer(person_client, quizless).status_code == 404
    assert start_quiz(person_client, module_page).status_code == 404
    assert not ScenarioResponse.objects.exists() and not ModuleCompletion.objects.exists()
    assert not Attempt.objects.exists()


def test_the_password_given_on_the_page_lets_the_person_work_through_it(person_client, quizless):
    restriction = by_password(quizless)
    asked = person_client.get(quizless.url).content.decode()
    assert 'name="password"' in asked  # Wagtail's own form, on the page

    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, quizless.pk])
    person_client.post(url, {"password": "s3", "return_url": quizless.url})

    assert answer(person_client, quizless).status_code == 302
    assert ModuleCompletion.objects.filter(page=quizless).count() == 1


def test_a_module_for_certain_groups_is_worked_through_by_their_members_only(person, person_client, quizless):
    nurses = Group.objects.create(name="Nurses")
    to_group(quizless, nurses)

    assert answer(person_client, quizless).status_code == 404
    person.groups.add(nurses)
    factories.sign_in(person_client, person)  # a change of groups signs the person out everywhere
    assert answer(person_client, quizless).status_code == 302
    assert ScenarioResponse.objects.filter(user=person).count() == 1


def test_the_way_back_after_signing_in_again_still_leads_to_the_page(person_client, quizless):
    """Signing in again after the session ran out on "Check my choice" comes back by GET: it goes to the page, which
    asks for the password, rather than to a 404."""
    by_password(quizless)
    block = quizless.scenario_blocks()[0]
    response = person_client.get(reverse("modules:scenario_choose", args=[quizless.pk, block.id]))
    assert response.status_code == 302 and response["Location"].startswith(quizless.url)
