"""Giving or taking away a role in the CMS (the Administrator box, a group, a group's permissions) asks the person
doing it to confirm it is them, unless they just did: as the HR roles page and a new API token do. A superuser's
proven session left open on a shared computer could otherwise make whoever sat down at it an Administrator, with every
permission and HR's view of everyone. allauth keeps the form while they confirm and makes the change once they have;
a change that touches no role (a name) is not asked about, and neither is a session signed in moments ago."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.accounts.test_cms_role_changes import _group_form


@pytest.fixture
def root(db):
    return factories.with_mfa(
        factories.make_user(email="rita.root@example.nhs.uk", first_name="Rita", is_superuser=True)
    )


@pytest.fixture
def sam(db):
    return factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")


@pytest.fixture
def editors(db):
    group = Group.objects.create(name="Editors of modules")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


@pytest.fixture
def stale(root):
    """Rita's browser, signed in with her password and code nine hours ago (within the session's ten hours)."""
    return factories.signed_in_hours_ago(factories.sign_in(Client(), root), root, 9)


def _edit(sam, **changes) -> tuple[str, dict]:
    data = {"email": sam.email, "first_name": sam.first_name, "last_name": sam.last_name, "is_active": "on"}
    return reverse("wagtailusers_users:edit", args=[sam.pk]), {**data, **changes}


def _asked(response, url) -> bool:
    return (
        response.status_code == 302 and response["Location"] == f"/accounts/reauthenticate/?{urlencode({'next': url})}"
    )


def _superuser(user) -> bool:
    return get_user_model().objects.get(pk=user.pk).is_superuser


def test_ticking_the_administrator_box_asks_first_and_is_made_once_confirmed(stale, sam):
    url, data = _edit(sam, is_superuser="on")
    response = stale.post(url, data)
    assert _asked(response, url) and not _superuser(sam)
    assert stale.post(response["Location"], {"password": "not my password"}).status_code == 200
    assert not _superuser(sam)
    confirmed = stale.post(response["Location"], {"password": factories.PASSWORD})
    assert confirmed.status_code == 302 and _superuser(sam)  # the form she sent, made once she confirmed


def test_taking_the_administrator_box_away_asks_first(stale, db):
    other = factories.make_user(email="omar.admin@example.nhs.uk", first_name="Omar", is_superuser=True)
    url, data = _edit(other)
    assert _asked(stale.post(url, data), url) and _superuser(other)


def test_giving_or_taking_a_group_asks_first(stale, sam, editors):
    url, data = _edit(sam, groups=[editors.pk])
    assert _asked(stale.post(url, data), url) and not sam.groups.exists()
    sam.groups.add(editors)
    url, data = _edit(sam)
    assert _asked(stale.post(url, data), url) and sam.groups.filter(pk=editors.pk).exists()


def test_a_new_account_with_a_role_asks_first(stale, editors):
    url = reverse("wagtailusers_users:add")
    data = {"email": "nia.ward@example.nhs.uk", "first_name": "Nia", "last_name": "Ward", "groups": [editors.pk]}
    assert _asked(stale.post(url, data), url)
    assert not get_user_model().objects.filter(email="nia.ward@example.nhs.uk").exists()


def test_the_users_lists_assign_role_asks_first(stale, sam, editors):
    url = f"{reverse('wagtail_bulk_action', args=['accounts', 'user', 'assign_role'])}?id={sam.pk}&next=/cms/users/"
    response = stale.post(url, {"role": editors.pk})
    assert _asked(response, url) and not sam.groups.exists()


def test_a_change_of_name_alone_is_not_asked_about(stale, sam):
    url, data = _edit(sam, first_name="Samuel")
    response = stale.post(url, data)
    assert response.status_code == 302 and "reauthenticate" not in response["Location"]
    assert get_user_model().objects.get(pk=sam.pk).first_name == "Samuel"


def test_a_superuser_editing_their_own_name_is_not_asked_about(stale, root):
    url = reverse("wagtailusers_users:edit", args=[root.pk])
    data = {"email": root.email, "first_name": "Rita", "last_name": "Rooted"}  # no box of their own to tick
    response = stale.post(url, data)
    assert response.status_code == 302 and "reauthenticate" not in response["Location"]
    assert get_user_model().objects.get(pk=root.pk).last_name == "Rooted"


def test_a_session_signed_in_moments_ago_is_not_asked_again(root, sam):
    fresh = factories.sign_in(Client(), root)
    url, data = _edit(sam, is_superuser="on")
    response = fresh.post(url, data)
    assert response.status_code == 302 and "reauthenticate" not in response["Location"]
    assert _superuser(sam)


def test_saving_a_groups_permissions_asks_first(stale, editors):
    change_user = Permission.objects.get(content_type__app_label="accounts", codename="change_user")
    url = reverse("wagtailusers_groups:edit", args=[editors.pk])
    data = {**_group_form(stale, editors), "permissions": [change_user.pk]}
    assert _asked(stale.post(url, data), url)
    assert not editors.permissions.filter(pk=change_user.pk).exists()


def test_a_new_group_asks_first(stale):
    url = reverse("wagtailusers_groups:add")
    assert _asked(stale.post(url, {"name": "Account managers"}), url)
    assert not Group.objects.filter(name="Account managers").exists()


def test_deleting_a_group_asks_first(stale, sam, editors):
    sam.groups.add(editors)
    url = reverse("wagtailusers_groups:delete", args=[editors.pk])
    assert stale.get(url).status_code == 200  # the confirmation page itself is not asked about
    assert _asked(stale.post(url), url) and sam.groups.filter(pk=editors.pk).exists()
