"""A page that evidence or a requirement names, or with such a page below it, cannot be deleted from the CMS by any
door it offers (the page's own delete, the bulk delete, the admin API's delete action): the refusal names what holds
it and says to unpublish instead. The rows protect the page in the database, so a delete that reached them ended in a
server error (ProtectedError); scenario answers went with the page and quiz attempts lost it."""

from html import unescape

import pytest
from django.contrib.auth.models import Group
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from modules import services as module_services
from modules.models import ContentPage, ModuleCompletion, ModulePage, PolicyPage, ScenarioResponse
from portal.compliance.models import EvidenceEntry, PolicySnapshot, Requirement
from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories

UNPUBLISH = "To take it off the site, unpublish it."


def delete(cms, page):
    """The page's own delete, asked for and then confirmed; what the CMS shows after the confirmation."""
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    asked = cms.get(url)
    confirmed = cms.post(url, follow=True)
    return asked, unescape(confirmed.content.decode())


def bulk_delete(cms, *pages):
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    query = "&".join(f"id={page.pk}" for page in pages)
    return unescape(cms.post(f"{url}?{query}&next=/cms/", follow=True).content.decode())


def api_delete(cms, page):
    """The admin API's delete action (Wagtail's /cms/api/main/pages/<id>/action/delete/), as a script in the CMS
    session would send it."""
    url = reverse("wagtailadmin_api:pages:action", args=[page.pk, "delete"])
    return cms.post(url, data="{}", content_type="application/json")


def refused_by(door: str, cms, page) -> str:
    """What the CMS says when `page` is deleted through `door`."""
    if door == "page":
        return delete(cms, page)[1]
    if door == "bulk":
        return bulk_delete(cms, page)
    response = api_delete(cms, page)
    assert response.status_code == 400
    return response.json()["message"]


def still_there(*pages) -> bool:
    return Page.objects.filter(pk__in=[page.pk for page in pages]).count() == len(pages)


def attest(policy):
    requirement = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    snapshot = PolicySnapshot.objects.get(page_id=policy.pk)
    factories.make_completion(factories.make_staff(), requirement, source=EvidenceEntry.ATTESTATION, snapshot=snapshot)


def test_a_policy_attested_to_is_not_deleted_and_the_cms_says_why(cms, policy):
    attest(policy)

    asked, shown = delete(cms, policy)

    assert asked.status_code == 302  # refused before the confirmation is shown
    assert (
        "“Social Media and Digital Content Policy” cannot be deleted: Version 1.0 of this policy has attestations "
        "recorded against it." in shown
    )
    assert UNPUBLISH in shown
    assert still_there(policy)


def test_a_page_holding_a_policy_below_it_names_the_policy(cms, policy):
    home = policy.get_parent()

    _, shown = delete(cms, home)

    assert "Version 1.0 of “Social Media and Digital Content Policy” was published, and its text is kept" in shown
    assert still_there(home, policy)


def test_a_module_completed_is_not_deleted_alone_or_in_bulk(cms, person, module_page):
    ModuleCompletion.objects.create(user=person, page=module_page, completed_at=module_page.first_published_at)

    _, shown = delete(cms, module_page)
    assert f"“{module_page.title}” cannot be deleted: this module has completions recorded against it." in shown

    other = factories.make_module(policy=module_page.policy)
    shown = bulk_delete(cms, other, module_page)
    assert f"“{module_page.title}” cannot be deleted: this module has completions recorded against it." in shown
    assert f"“{other.title}” cannot be deleted" not in shown
    assert still_there(module_page, other)  # the bulk delete is refused as a whole


def test_a_module_a_requirement_names_is_not_deleted(cms, module_page):
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)

    _, shown = delete(cms, module_page)

    assert "cannot be deleted: the requirement “Social media module” is for this page." in shown
    assert still_there(module_page)


def test_a_page_nothing_names_is_deleted(cms, home_page, module_page):
    page = home_page.add_child(instance=ContentPage(title="Old notice", slug="old-notice", body=[]))
    module = ModulePage.objects.get(pk=module_page.pk)

    delete(cms, page)
    bulk_delete(cms, module)

    assert not Page.objects.filter(pk__in=[page.pk, module.pk]).exists()
    assert PolicyPage.objects.exists()


def test_the_admin_api_refuses_deleting_a_page_on_record_and_says_why(cms, person, module_page):
    ModuleCompletion.objects.create(user=person, page=module_page, completed_at=module_page.first_published_at)
    index = module_page.get_parent()

    assert refused_by("api", cms, module_page) == (
        f"“{module_page.title}” cannot be deleted: this module has completions recorded against it. What staff saw "
        f"and did stays on record with the page it names. {UNPUBLISH}"
    )
    assert refused_by("api", cms, index).startswith(
        f"“{index.title}” cannot be deleted: “{module_page.title}” has completions recorded against it."
    )
    assert still_there(index, module_page)


def test_the_admin_api_deletes_a_page_nothing_names(cms, home_page):
    page = home_page.add_child(instance=ContentPage(title="Old notice", slug="old-notice", body=[]))

    assert api_delete(cms, page).status_code == 204
    assert not Page.objects.filter(pk=page.pk).exists()


def test_a_bulk_delete_of_a_page_holding_a_module_on_record_names_the_module(cms, person, module_page):
    ModuleCompletion.objects.create(user=person, page=module_page, completed_at=module_page.first_published_at)
    index = module_page.get_parent()

    shown = bulk_delete(cms, index)

    assert f"“{index.title}” cannot be deleted: “{module_page.title}” has completions recorded against it." in shown
    assert still_there(index, module_page)


@pytest.mark.parametrize("door", ["page", "bulk", "api"])
def test_a_module_with_scenario_answers_is_not_deleted_by_any_door(cms, person, module_page, door):
    """Answers given on the way through a module are evidence before any completion is: a delete took them with
    the page (the page's row cascades to them)."""
    block = module_page.scenario_blocks()[0]
    module_services.scenario_response_record(user=person, page=module_page, block_id=block.id, option_index=0)

    shown = refused_by(door, cms, module_page)

    assert f"“{module_page.title}” cannot be deleted: this module has scenario answers recorded against it." in shown
    assert still_there(module_page)
    assert ScenarioResponse.objects.filter(page=module_page).count() == 1


@pytest.mark.parametrize("door", ["page", "bulk", "api"])
def test_a_module_with_quiz_attempts_is_not_deleted_by_any_door(cms, person, module_page, door):
    """A quiz attempt keeps what was asked and answered: a delete left it naming no module (its page set to null)."""
    attempt = attempt_start(user=person, quiz=module_page.quiz, page=module_page)

    shown = refused_by(door, cms, module_page)

    assert f"“{module_page.title}” cannot be deleted: this module has quiz attempts recorded against it." in shown
    assert still_there(module_page)
    assert Attempt.objects.get(pk=attempt.pk).page_id == module_page.pk


@pytest.mark.parametrize("evidence", ["scenario answer", "quiz attempt"])
def test_the_database_keeps_a_module_with_answers_whatever_deletes_it(person, module_page, evidence):
    """Round the CMS (a shell, a command), answers and attempts hold the page as completions do."""
    if evidence == "quiz attempt":
        attempt_start(user=person, quiz=module_page.quiz, page=module_page)
    else:
        block = module_page.scenario_blocks()[0]
        module_services.scenario_response_record(user=person, page=module_page, block_id=block.id, option_index=0)

    with pytest.raises(ProtectedError):
        module_page.delete()


def test_the_admin_api_answers_someone_who_may_not_delete_with_403_not_the_reasons(person, module_page):
    """Wagtail's permission check comes first: what is recorded against the page is for those who may delete it."""
    ModuleCompletion.objects.create(user=person, page=module_page, completed_at=module_page.first_published_at)
    editor = factories.with_mfa(factories.make_user())
    editor.groups.add(Group.objects.get(name="Editors"))  # may add and change pages, not delete others'
    response = api_delete(factories.sign_in(Client(), editor), module_page)

    assert response.status_code == 403
    assert "completions" not in response.content.decode()
    assert still_there(module_page)
