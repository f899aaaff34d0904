"""Someone who manages accounts in the CMS without being a superuser gives and takes away only the groups they are in
themselves. They could give any group but HR (refused for everyone: tests/people/test_hr_role_not_in_the_cms.py),
one carrying more permissions than they hold among them: to someone else, or to a second account of their own. Each
door is refused with a message naming the group, and nothing the form sent is saved: the user editor, the new-user
form and the users list's Assign role, in the form and in a crafted POST alike. Nor, given the group editor too, can
they widen a group they are in, or make one to give: only a superuser saves a group."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests import factories

REFUSED = "You can give or take away only the groups you are in yourself, and you are not in “Publishers”"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def publishers(db):
    """A group carrying what the account manager does not hold: the group editor's permissions, among others."""
    group = Group.objects.create(name="Publishers")
    group.permissions.add(
        _permission("wagtailadmin", "access_admin"),
        _permission("auth", "change_group"),
        _permission("accounts", "delete_user"),
    )
    return group


@pytest.fixture
def manager(db, publishers):
    """In Account managers (add and change accounts in the CMS) and Editors; not a superuser, not in Publishers."""
    group = Group.objects.create(name="Account managers")
    group.permissions.add(
        _permission("wagtailadmin", "access_admin"),
        _permission("accounts", "add_user"),
        _permission("accounts", "change_user"),
    )
    user = factories.with_mfa(factories.make_user(email="alex.accounts@example.nhs.uk", first_name="Alex"))
    user.groups.add(group, Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def browser(manager):
    return factories.sign_in(Client(), manager)


@pytest.fixture
def sam(db):
    return factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")


def _groups(user) -> list[str]:
    return sorted(get_user_model().objects.get(pk=user.pk).groups.values_list("name", flat=True))


def _edit(browser, user, *groups: Group, **fields):
    data = {"email": user.email, "first_name": "Samuel", "last_name": user.last_name, "is_active": "on"}
    data.update(groups=[group.pk for group in groups], **fields)
    return browser.post(reverse("wagtailusers_users:edit", args=[user.pk]), data, follow=True)


def test_a_group_they_are_not_in_is_refused_in_the_user_editor(browser, sam, publishers):
    page = _edit(browser, sam, publishers)
    assert REFUSED in unescape(page.content.decode())
    assert page.redirect_chain[-1][0] == reverse("wagtailusers_users:edit", args=[sam.pk])
    assert _groups(sam) == [] and get_user_model().objects.get(pk=sam.pk).first_name == "Sam"


def test_nor_can_they_give_it_to_themselves(browser, manager, publishers):
    own = list(manager.groups.all())
    page = _edit(browser, manager, *own, publishers)
    assert REFUSED in unescape(page.content.decode())
    assert _groups(manager) == ["Account managers", "Editors"]


def test_nor_take_it_away(browser, sam, publishers):
    sam.groups.add(publishers)
    page = _edit(browser, sam)
    assert REFUSED in unescape(page.content.decode())
    assert _groups(sam) == ["Publishers"]


def test_a_group_they_are_in_is_given_and_one_they_are_not_in_is_kept_as_it_was(browser, sam, publishers):
    sam.groups.add(publishers)
    page = _edit(browser, sam, publishers, Group.objects.get(name="Editors"))
    assert REFUSED not in unescape(page.content.decode())
    assert _groups(sam) == ["Editors", "Publishers"]
    assert get_user_model().objects.get(pk=sam.pk).first_name == "Samuel"


def test_a_new_account_is_refused_a_group_they_are_not_in(browser, publishers):
    data = {"email": "nia.ward@example.nhs.uk", "first_name": "Nia", "last_name": "Ward", "groups": [publishers.pk]}
    page = browser.post(reverse("wagtailusers_users:add"), data, follow=True)
    assert REFUSED in unescape(page.content.decode())
    assert not get_user_model().objects.filter(email="nia.ward@example.nhs.uk").exists()
    data["groups"] = [Group.objects.get(name="Editors").pk]
    assert browser.post(reverse("wagtailusers_users:add"), data).status_code == 302
    assert _groups(get_user_model().objects.get(email="nia.ward@example.nhs.uk")) == ["Editors"]


def test_assign_role_is_refused_a_group_they_are_not_in(browser, sam, publishers):
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "assign_role"]) + f"?id={sam.pk}&next=/cms/users/"
    page = browser.post(url, {"role": publishers.pk}, follow=True)
    assert REFUSED in unescape(page.content.decode())
    assert _groups(sam) == []
    assert browser.post(url, {"role": Group.objects.get(name="Editors").pk}).status_code == 302
    assert _groups(sam) == ["Editors"]


def test_a_superuser_gives_any_group(cms, sam, publishers):
    data = {"email": sam.email, "first_name": "Sam", "last_name": "Taylor", "is_active": "on"}
    data["groups"] = [publishers.pk]
    assert cms.post(reverse("wagtailusers_users:edit", args=[sam.pk]), data).status_code == 302
    assert _groups(sam) == ["Publishers"]


GROUPS_REFUSED = "Only an Administrator can make a group or change one"


@pytest.fixture
def group_manager(manager):
    """The account manager, their group also given the group editor's permissions."""
    managers = Group.objects.get(name="Account managers")
    managers.permissions.add(_permission("auth", "add_group"), _permission("auth", "change_group"))
    return manager


def test_nor_can_they_widen_their_own_group_in_the_group_editor(group_manager, browser):
    managers = Group.objects.get(name="Account managers")
    held = set(managers.permissions.values_list("pk", flat=True))
    data = {"name": managers.name, "permissions": [*held, _permission("accounts", "delete_user").pk]}
    page = browser.post(reverse("wagtailusers_groups:edit", args=[managers.pk]), data, follow=True)
    assert GROUPS_REFUSED in unescape(page.content.decode())
    assert set(managers.permissions.values_list("pk", flat=True)) == held


def test_nor_make_a_group_to_give(group_manager, browser):
    data = {"name": "Everything", "permissions": [_permission("accounts", "delete_user").pk]}
    page = browser.post(reverse("wagtailusers_groups:add"), data, follow=True)
    assert GROUPS_REFUSED in unescape(page.content.decode())
    assert not Group.objects.filter(name="Everything").exists()
    editors = reverse("wagtailusers_groups:edit", args=[Group.objects.get(name="Editors").pk])
    assert browser.get(editors).status_code == 200  # the editor still opens: only a save is refused
