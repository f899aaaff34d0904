"""A module cannot have an alias. Work done on an alias (Wagtail's "copy as alias") counted for nothing: the alias said
Completed while My training still said the module was due, and the list of modules showed it twice. The CMS's copy
page, the admin API and code refuse one; an alias made before sends its visitors to the module, takes no answers or
attempts, is not listed, and submits no attempt begun on it. A requirement in use cannot name one; a requirement that
already named one counts the module's completions."""

import json
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from modules.models import ModuleCompletion, ModulePage, ScenarioResponse
from modules.progress import module_progress_by_page_for_user
from portal.compliance.models import EvidenceEntry, Requirement
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories
from tests.modules import test_policy_alias

REFUSED = ModulePage.ALIAS_REFUSED
aliases = test_policy_alias.aliases
editor_client = test_policy_alias.editor_client  # a Moderator in the CMS


def old_alias(module) -> ModulePage:
    """An alias of the module as Wagtail made one before they were refused: a live copy, marked the alias it was."""
    alias = module.copy(update_attrs={"slug": f"{module.slug}-alias"}, keep_live=True)
    Page.objects.filter(pk=alias.pk).update(alias_of=module)
    return ModulePage.objects.get(pk=alias.pk)


def test_the_copy_page_refuses_an_alias_of_a_module(module_page, editor_client):
    url = reverse("wagtailadmin_pages:copy", args=[module_page.pk])
    form = {"new_title": module_page.title, "new_slug": "again", "new_parent_page": module_page.get_parent().pk}

    refused = editor_client.post(url, {**form, "alias": "on"}, follow=True)

    assert REFUSED in unescape(refused.content.decode())
    assert not aliases().exists()


def test_the_copy_page_refuses_an_alias_of_the_module_list_with_its_modules(module_page, editor_client):
    index = module_page.get_parent()
    url = reverse("wagtailadmin_pages:copy", args=[index.pk])
    form = {"new_title": "Again", "new_slug": "again", "new_parent_page": index.get_parent().pk, "copy_subpages": "on"}

    refused = editor_client.post(url, {**form, "alias": "on"}, follow=True)

    assert f"{REFUSED} {index.title} holds the module {module_page.title}." in unescape(refused.content.decode())
    assert not aliases().exists()


def test_the_admin_api_and_code_refuse_an_alias_of_a_module(module_page, editor_client):
    for page, data in ((module_page, {"update_slug": "again"}), (module_page.get_parent(), {"recursive": True})):
        url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "create_alias"])
        response = editor_client.post(url, data=json.dumps(data), content_type="application/json")
        assert response.status_code == 400 and response.json()["message"].startswith(REFUSED)

    with pytest.raises(ValidationError, match="A module cannot have an alias"):
        module_page.create_alias(update_slug="again")
    assert not aliases().exists()


def test_copying_a_module_is_still_allowed(module_page, editor_client):
    url = reverse("wagtailadmin_pages:copy", args=[module_page.pk])
    form = {"new_title": "Copied", "new_slug": "copied", "new_parent_page": module_page.get_parent().pk}

    editor_client.post(url, form)

    assert ModulePage.objects.filter(slug="copied", alias_of__isnull=True).exists()


def test_an_old_alias_sends_its_visitors_to_the_module(person_client, module_page):
    alias = old_alias(module_page)

    response = person_client.get(alias.url)

    assert response.status_code == 302 and response["Location"] == module_page.url


def test_an_old_alias_takes_no_answers_and_starts_no_attempt(person_client, module_page):
    alias = old_alias(module_page)
    block = alias.scenario_blocks()[0].id

    answered = person_client.post(reverse("modules:scenario_choose", args=[alias.pk, block]), {"option": "1"})
    started = person_client.post(reverse("modules:quiz_start", args=[alias.pk]))

    assert answered["Location"] == module_page.url and started["Location"] == module_page.url
    assert not ScenarioResponse.objects.exists() and not Attempt.objects.exists()
    page = person_client.get(module_page.url).content.decode()
    assert "work on it here" in unescape(page)


def test_the_list_of_modules_shows_a_module_with_an_old_alias_once(person_client, module_page):
    old_alias(module_page)

    page = person_client.get(module_page.get_parent().url).content.decode()

    assert page.count(module_page.title) == 1


def test_an_attempt_open_on_an_old_alias_is_not_submitted(person, person_client, module_page):
    alias = old_alias(module_page)
    for block in alias.scenario_blocks():
        ScenarioResponse.objects.create(
            user=person, page=alias, block_id=block.id, option_index=1, option_text="Option 2", expected=True
        )
    attempt = attempt_start(user=person, quiz=alias.quiz, page=alias)
    answers = {f"q{q.id}": sorted(q.correct_ids) for q in attempt.frozen_questions()}

    response = person_client.post(reverse("modules:attempt", args=[attempt.pk]), answers)

    assert "Your answers to this attempt have not been recorded." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not ModuleCompletion.objects.exists()


def test_a_requirement_in_use_cannot_name_an_old_alias(module_page):
    alias = old_alias(module_page)
    requirement = Requirement(
        name="Social media", kind=Requirement.COMPLETE_MODULE, page=alias, renewal_months=12, new_starter_days=28
    )

    with pytest.raises(ValidationError) as refused:
        requirement.full_clean()

    assert refused.value.message_dict["page"] == [
        f"“{alias.title}” is an alias of the module “{module_page.title}”, and work is done on the module itself: "
        "choose the module."
    ]
    requirement.page = module_page
    requirement.full_clean()


def test_a_requirement_naming_an_old_alias_counts_the_modules_completion(person, person_client, policy):
    module = factories.make_module(policy=policy, with_quiz=False)
    alias = old_alias(module)
    staff = factories.make_staff(user=person, team=factories.make_team("Ward", kind="organisation"))
    named_before = factories.make_requirement(name="Social media", kind=Requirement.COMPLETE_MODULE, page=alias)

    for block in module.scenario_blocks():
        person_client.post(reverse("modules:scenario_choose", args=[module.pk, block.id]), {"option": "1"})

    completion = ModuleCompletion.objects.get(user=person, page=module)
    entry = EvidenceEntry.objects.get(requirement=named_before)
    assert entry.staff_id == staff.pk and entry.completed_at == completion.completed_at
    status = staff.statuses.get(requirement=named_before)
    assert status.completed_on == timezone.localdate(completion.completed_at)
    assert status.state(timezone.localdate()) == "compliant"


def test_my_training_shows_the_modules_progress_beside_a_requirement_naming_an_old_alias(person, module_page):
    alias = old_alias(module_page)
    block = module_page.scenario_blocks()[0]
    ScenarioResponse.objects.create(
        user=person, page=module_page, block_id=block.id, option_index=1, option_text="Option 2", expected=True
    )

    progress = module_progress_by_page_for_user(person, [alias.pk])

    assert progress[alias.pk].page.pk == module_page.pk and progress[alias.pk].in_progress


def test_an_old_alias_still_follows_its_module_and_can_be_moved_or_unpublished(module_page, home_page):
    alias = old_alias(module_page)
    module_page.title = "Social media, revised"
    module_page.save_revision().publish()
    assert ModulePage.objects.get(pk=alias.pk).title == "Social media, revised"

    alias.move(module_page.get_parent(), pos="first-child")
    alias.unpublish()

    assert not ModulePage.objects.get(pk=alias.pk).live
