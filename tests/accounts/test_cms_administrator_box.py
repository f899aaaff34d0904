"""Only a superuser makes a superuser, or changes a superuser's account. Wagtail shows its user editor's and new-user
form's Administrator box, and every account, to anyone who may change or add accounts there, so a CMS user given
that (not a superuser, not HR) could make an account of theirs, or a new one at an address they read, a superuser:
every permission, and HR's view of everyone; or close the superusers' accounts. Such a change is refused with a
message saying who may make it, and nothing in the form is saved."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests import factories

REFUSED = "Only an Administrator can make someone an Administrator, or change an Administrator's account"


@pytest.fixture
def account_manager(db):
    """Not a superuser: a CMS user whose group may add and change accounts in the CMS."""
    group = Group.objects.create(name="Account managers")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="accounts", codename="add_user"),
        Permission.objects.get(content_type__app_label="accounts", codename="change_user"),
    )
    user = factories.with_mfa(factories.make_user(email="alex.accounts@example.nhs.uk", first_name="Alex"))
    user.groups.add(group)
    return user


@pytest.fixture
def manager_client(account_manager):
    return factories.sign_in(Client(), account_manager)


def _superuser(email: str) -> bool:
    return get_user_model().objects.filter(email=email, is_superuser=True).exists()


def test_an_account_manager_cannot_make_someone_an_administrator(manager_client):
    sam = factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")
    data = {"email": sam.email, "first_name": "Samuel", "last_name": "Taylor", "is_active": "on", "is_superuser": "on"}
    page = manager_client.post(reverse("wagtailusers_users:edit", args=[sam.pk]), data, follow=True)
    assert REFUSED in unescape(page.content.decode())
    assert not _superuser(sam.email)
    assert get_user_model().objects.get(pk=sam.pk).first_name == "Sam"


def test_an_account_manager_cannot_take_it_away_either(manager_client):
    root = factories.make_user(email="root@example.nhs.uk", first_name="Rita", last_name="Root", is_superuser=True)
    data = {"email": root.email, "first_name": "Rita", "last_name": "Root", "is_active": "on"}
    page = manager_client.post(reverse("wagtailusers_users:edit", args=[root.pk]), data, follow=True)
    assert REFUSED in unescape(page.content.decode())
    assert _superuser(root.email)


def test_an_account_manager_cannot_close_an_administrators_account_by_either_door(manager_client):
    root = factories.make_user(email="root@example.nhs.uk", first_name="Rita", last_name="Root", is_superuser=True)
    data = {"email": root.email, "first_name": "Rita", "last_name": "Root", "is_superuser": "on"}
    page = manager_client.post(reverse("wagtailusers_users:edit", args=[root.pk]), data, follow=True)
    assert REFUSED in unescape(page.content.decode())
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "set_active_state"])
    page = manager_client.post(f"{url}?id={root.pk}&next=/cms/users/", {"mark_as_active": "False"}, follow=True)
    assert REFUSED in unescape(page.content.decode())
    account = get_user_model().objects.get(pk=root.pk)
    assert (account.is_active, account.closed_by_hand) == (True, False)


def test_an_account_manager_cannot_make_a_new_administrator(manager_client):
    data = {"email": "my.other@example.com", "first_name": "My", "last_name": "Other", "is_superuser": "on"}
    page = manager_client.post(reverse("wagtailusers_users:add"), data, follow=True)
    assert REFUSED in unescape(page.content.decode())
    assert not get_user_model().objects.filter(email="my.other@example.com").exists()


def test_an_account_manager_still_edits_and_makes_ordinary_accounts(manager_client):
    data = {"email": "nia.ward@example.nhs.uk", "first_name": "Nia", "last_name": "Ward"}
    assert manager_client.post(reverse("wagtailusers_users:add"), data).status_code == 302
    nia = get_user_model().objects.get(email="nia.ward@example.nhs.uk")
    data.update(first_name="Niamh", is_active="on")
    assert manager_client.post(reverse("wagtailusers_users:edit", args=[nia.pk]), data).status_code == 302
    assert get_user_model().objects.get(pk=nia.pk).first_name == "Niamh" and not nia.is_superuser


def test_a_superuser_still_makes_an_administrator(cms):
    sam = factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")
    data = {"email": sam.email, "first_name": "Sam", "last_name": "Taylor", "is_active": "on", "is_superuser": "on"}
    assert cms.post(reverse("wagtailusers_users:edit", args=[sam.pk]), data).status_code == 302
    assert _superuser(sam.email)
