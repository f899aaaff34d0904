"""A module behind Wagtail's privacy (a password, or certain groups only) is worked through only by someone it lets
in, on every door: the /learn/ posts that answer a scenario and start the quiz check the page's view restrictions, as
Wagtail does when it serves the page. They checked only that the module was live, so a password-protected module
could be worked through, and its completion recorded, by posting round the page. A quiz begun while the module was
open is not submitted (nor its questions shown) once the module keeps the person out: the attempt's page checked only
that the module was still published."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from modules.models import ModuleCompletion, ScenarioResponse
from portal.compliance.models import EvidenceEntry, Requirement
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories
from tests.modules.test_module_alias import old_alias


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


@pytest.fixture
def learner(person):
    """On the staff roster, asked by a requirement to complete the module: a pass would record evidence."""
    return factories.make_staff(user=person, team=factories.make_team("Ward", kind="organisation"))


@pytest.fixture
def begun(learner, person_client, module_page):
    """The module worked through and its quiz begun while anyone signed in could see it."""
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    for block in module_page.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module_page.pk, block.id]), {"option": "1"})
    start_quiz(person_client, module_page)
    return Attempt.objects.get(user=learner.user)


def submit(client, attempt):
    answers = {f"q{question.id}": sorted(question.correct_ids) for question in attempt.frozen_questions()}
    return client.post(reverse("modules:attempt", args=[attempt.pk]), answers)


def nothing_recorded(attempt) -> bool:
    attempt.refresh_from_db()
    return not attempt.is_submitted and not ModuleCompletion.objects.exists() and not EvidenceEntry.objects.exists()


def to_nurses(page):
    return to_group(page, Group.objects.create(name="Nurses"))


@pytest.mark.parametrize("where", ["module", "a page above it"])
@pytest.mark.parametrize("made_private", [by_password, to_nurses])
def test_a_quiz_begun_before_the_module_became_private_is_not_submitted(
    person_client, module_page, begun, where, made_private
):
    made_private(module_page if where == "module" else module_page.get_parent())

    response = submit(person_client, begun)

    assert response.status_code == 403
    shown = response.content.decode()
    assert "This module is now private" in shown and "Your answers have not been recorded." in shown
    assert ("If you have been given its password" in shown) == (made_private is by_password)
    assert nothing_recorded(begun)
    assert person_client.get(reverse("modules:attempt", args=[begun.pk])).status_code == 403  # nor its questions


def test_a_quiz_begun_on_an_alias_of_a_module_made_private_is_not_submitted(learner, person_client, module_page):
    """An alias has its original's privacy (Wagtail reads the original's restrictions for it). One made, and a quiz
    begun on it, before aliases of a module were refused (`test_module_alias`)."""
    alias = old_alias(module_page)
    attempt = attempt_start(user=learner.user, quiz=alias.quiz, page=alias)
    to_nurses(module_page)

    assert submit(person_client, attempt).status_code == 403
    assert nothing_recorded(attempt)


def test_a_quiz_begun_before_the_module_was_unpublished_is_not_submitted(person_client, module_page, begun):
    module_page.unpublish()

    response = submit(person_client, begun)

    assert "This module is no longer published." in response.content.decode()
    assert nothing_recorded(begun)


def test_someone_the_module_still_lets_in_submits_as_before(person, person_client, module_page, begun):
    nurses = Group.objects.create(name="Nurses")
    to_group(module_page, nurses)
    person.groups.add(nurses)
    factories.sign_in(person_client, person)  # a change of groups signs the person out everywhere

    response = submit(person_client, begun)

    assert response["Location"] == reverse("modules:attempt_result", args=[begun.pk])
    assert ModuleCompletion.objects.filter(attempt=begun).count() == 1
    assert EvidenceEntry.objects.count() == 1
