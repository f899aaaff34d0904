"""A page or document kept for certain groups only lets a privileged person in (an HR officer, a CMS editor, a
superuser) only in a session that proved its second factor (invariant 8). Wagtail checks its group restrictions
itself, counting superuser status and group membership without the session: an HR officer whose session stopped at
the password read a page kept for the HR group, and a superuser's such session read any group's page or document.
Now such a session is sent to enter the code from their authenticator app (or to set one up) and back, on a page, a
statutory page and a document; a module's /learn/ posts and an attestation refuse it. Plain staff in the group are
let in as before, with no code asked."""

from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from modules.models import ContentPage, ScenarioResponse
from modules.statutory_pages import statutory_pages_create
from portal.compliance.models import EvidenceEntry, Requirement
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories

CODE_PAGE = "/accounts/2fa/reauthenticate/?next="
SET_UP_PAGE = "/accounts/2fa/totp/activate/?next="


def to_group(page, group):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(group)
    return restriction


@pytest.fixture
def hr_officer(db):
    officer = factories.make_user(email="olive.officer@example.nhs.uk")
    officer.groups.add(hr_group())
    return factories.with_mfa(officer)


@pytest.fixture
def superuser(db):
    return factories.with_mfa(factories.make_user(email="sam.super@example.nhs.uk", is_superuser=True, is_staff=True))


@pytest.fixture
def nurses():
    return Group.objects.create(name="Nurses")


def signed_in(user, *, second_factor):
    return factories.sign_in(Client(), user, second_factor=second_factor)


def sent_for_code(response, url, start=CODE_PAGE) -> bool:
    """Sent to enter the code (or set up an app), and back to `url` after."""
    return response.status_code == 302 and response["Location"] == start + quote(url, safe="")


def test_an_hr_officer_without_the_code_is_sent_to_enter_it_for_a_page_kept_for_hr(hr_officer, module_page):
    to_group(module_page, hr_group())

    assert sent_for_code(signed_in(hr_officer, second_factor=False).get(module_page.url), module_page.url)
    assert signed_in(hr_officer, second_factor=True).get(module_page.url).status_code == 200


def test_an_hr_officer_without_an_authenticator_app_is_sent_to_set_one_up(module_page):
    officer = factories.make_user(email="new.officer@example.nhs.uk")
    officer.groups.add(hr_group())
    to_group(module_page, hr_group())

    response = signed_in(officer, second_factor=True).get(module_page.url)

    assert sent_for_code(response, module_page.url, start=SET_UP_PAGE)


def test_a_superuser_without_the_code_is_sent_to_enter_it_for_another_groups_page(superuser, module_page, nurses):
    to_group(module_page, nurses)

    assert sent_for_code(signed_in(superuser, second_factor=False).get(module_page.url), module_page.url)
    assert signed_in(superuser, second_factor=True).get(module_page.url).status_code == 200


def test_a_restriction_on_a_page_above_counts_too(superuser, module_page, nurses):
    to_group(module_page.get_parent(), nurses)

    assert sent_for_code(signed_in(superuser, second_factor=False).get(module_page.url), module_page.url)


def test_a_statutory_page_kept_for_a_group_asks_the_code_too(superuser, home_page, nurses):
    statutory_pages_create(home=home_page)
    to_group(ContentPage.objects.get(slug="cookies"), nurses)

    assert sent_for_code(signed_in(superuser, second_factor=False).get("/cookies/"), "/cookies/")
    assert signed_in(superuser, second_factor=True).get("/cookies/").status_code == 200


@pytest.fixture
def board_papers(db, tmp_path, settings, nurses):
    """A document in a collection kept for the Nurses group; its address."""
    settings.MEDIA_ROOT = str(tmp_path)
    collection = Collection.get_first_root_node().add_child(name="Board papers")
    document = get_document_model().objects.create(
        title="Minutes", file=ContentFile(b"%PDF-1.4 minutes", name="minutes.pdf"), collection=collection
    )
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.add(nurses)
    return reverse("wagtaildocs_serve", args=[document.pk, document.filename])


def test_a_superuser_without_the_code_is_sent_to_enter_it_for_a_groups_document(superuser, board_papers):
    assert sent_for_code(signed_in(superuser, second_factor=False).get(board_papers), board_papers)
    response = signed_in(superuser, second_factor=True).get(board_papers)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 minutes"


def test_plain_staff_in_the_group_are_let_in_with_no_code_asked(module_page, board_papers, nurses):
    nurse = factories.make_user(email="nia.nurse@example.nhs.uk")
    nurse.groups.add(nurses)
    to_group(module_page, nurses)
    client = signed_in(nurse, second_factor=False)

    assert client.get(module_page.url).status_code == 200
    assert b"".join(client.get(board_papers).streaming_content) == b"%PDF-1.4 minutes"


def test_a_page_nobody_restricted_asks_no_code(hr_officer, module_page):
    assert signed_in(hr_officer, second_factor=False).get(module_page.url).status_code == 200


def test_the_learn_posts_refuse_a_session_without_the_code(hr_officer, module_page):
    to_group(module_page, hr_group())
    block = module_page.scenario_blocks()[0]
    url = reverse("modules:scenario_choose", args=[module_page.pk, block.id])

    assert signed_in(hr_officer, second_factor=False).post(url, {"option": "1"}).status_code == 404
    assert not ScenarioResponse.objects.exists()
    assert signed_in(hr_officer, second_factor=True).post(url, {"option": "1"}).status_code == 302
    assert ScenarioResponse.objects.filter(user=hr_officer).count() == 1


def test_an_attestation_refuses_a_session_without_the_code(hr_officer, policy):
    to_group(policy, hr_group())
    requirement = factories.make_requirement(name="HR policy", kind=Requirement.ATTEST_POLICY, page=policy)
    refresh(staff_ids=[factories.make_staff(user=hr_officer).pk])
    snapshot = factories.make_snapshot(policy)
    url = reverse("attestation:attest", args=[requirement.pk])
    sent = {"confirm": "on", "snapshot": snapshot.pk}

    assert signed_in(hr_officer, second_factor=False).post(url, sent).status_code == 403
    assert not EvidenceEntry.objects.filter(source=EvidenceEntry.ATTESTATION).exists()
    assert signed_in(hr_officer, second_factor=True).post(url, sent).status_code == 302
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.ATTESTATION).count() == 1
