"""Someone who manages accounts in the CMS without being a superuser closes, reopens or deletes only accounts whose
groups they are in themselves, and never an HR officer's. They may give and take away only their own groups (the
HR group not at all), yet closing an account takes every group's permissions from it and reopening gives them all
back: a delegated account manager closed HR officers' accounts, the last one included (the HR roles page never takes
the role from the last officer, and asks another officer and a reason), and reopened the account of an HR officer
closed by hand, who was HR again at their next sign-in, in the user editor and the users list's "Set active state"
alike; and deleted a new HR officer's account. Each is refused, naming the groups, and nothing is saved; a superuser
still closes any account (a compromised one at once) but the last HR officer's, and the roster closes leavers' as
before."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from portal.people.roles import hr_group
from tests import factories

REFUSED = "You can close, reopen or delete only the accounts of people whose groups you are in yourself"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def account_managers(db):
    group = Group.objects.create(name="Account managers")
    group.permissions.add(
        _permission("wagtailadmin", "access_admin"),
        _permission("accounts", "add_user"),
        _permission("accounts", "change_user"),
        _permission("accounts", "delete_user"),
    )
    return group


@pytest.fixture
def manager(account_managers):
    user = factories.with_mfa(factories.make_user(email="alex.accounts@example.nhs.uk", first_name="Alex"))
    user.groups.add(account_managers)
    return user


@pytest.fixture
def browser(manager):
    return factories.sign_in(Client(), manager)


@pytest.fixture
def hana(db):
    """An HR officer, the only one."""
    user = factories.with_mfa(factories.make_staff(first_name="Hana", last_name="HR").user)
    user.groups.add(hr_group())
    return user


def _state(user) -> tuple:
    account = get_user_model().objects.filter(pk=user.pk).first()
    return (account.is_active, account.closed_by_hand) if account else None


def _edit(browser, user, *, active: bool):
    data = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name}
    data.update(groups=list(user.groups.values_list("pk", flat=True)), **({"is_active": "on"} if active else {}))
    return browser.post(reverse("wagtailusers_users:edit", args=[user.pk]), data, follow=True)


def _set_active(browser, user, *, active: bool):
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "set_active_state"])
    return browser.post(f"{url}?id={user.pk}&next=/cms/users/", {"mark_as_active": str(active)}, follow=True)


@pytest.mark.parametrize("door", [_edit, _set_active])
def test_an_account_manager_cannot_close_an_hr_officers_account(browser, hana, door):
    page = door(browser, hana, active=False)
    assert REFUSED in unescape(page.content.decode()) and "“HR”" in unescape(page.content.decode())
    assert _state(hana) == (True, False)


@pytest.mark.parametrize("door", [_edit, _set_active])
def test_nor_reopen_one_closed_by_hand(browser, hana, door):
    hana.is_active = False
    hana.save()
    page = door(browser, hana, active=True)
    assert REFUSED in unescape(page.content.decode())
    assert _state(hana) == (False, True)


def test_nor_even_an_account_manager_who_is_in_hr(browser, manager, hana):
    manager.groups.add(hr_group())
    page = _edit(factories.sign_in(Client(), manager), hana, active=False)
    assert REFUSED in unescape(page.content.decode())
    assert _state(hana) == (True, False)


def test_nor_close_an_account_in_a_group_they_are_not_in(browser):
    publishers = Group.objects.create(name="Publishers")
    pat = factories.make_user(email="pat.publisher@example.nhs.uk", first_name="Pat", last_name="Publisher")
    pat.groups.add(publishers)
    page = _set_active(browser, pat, active=False)
    assert "“Publishers”" in unescape(page.content.decode())
    assert _state(pat) == (True, False)


def test_nor_delete_an_hr_officers_account_by_either_door(browser, hana):
    page = browser.get(reverse("wagtailusers_users:delete", args=[hana.pk]), follow=True)
    assert REFUSED in unescape(page.content.decode())
    browser.post(reverse("wagtailusers_users:delete", args=[hana.pk]))
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "delete"])
    page = browser.post(f"{url}?id={hana.pk}&next=/cms/users/", {}, follow=True)
    assert REFUSED in unescape(page.content.decode())
    assert _state(hana) == (True, False)


def test_accounts_in_their_own_groups_or_none_are_closed_and_reopened_as_before(browser, account_managers):
    sam = factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")
    colleague = factories.make_user(email="cole.league@example.nhs.uk", first_name="Cole", last_name="League")
    colleague.groups.add(account_managers)
    for user in (sam, colleague):
        assert REFUSED not in unescape(_edit(browser, user, active=False).content.decode())
        assert _state(user) == (False, True)
        assert REFUSED not in unescape(_set_active(browser, user, active=True).content.decode())
        assert _state(user) == (True, False)


def test_a_superuser_still_closes_an_hr_officers_account(hana):
    # Not the last who can sign in, which nobody closes (tests/accounts/test_last_hr_officer_account_kept.py).
    factories.make_user(first_name="Omar", last_name="Khan").groups.add(hr_group())
    admin = factories.with_mfa(factories.make_user(email="root@example.nhs.uk", is_superuser=True))
    _set_active(factories.sign_in(Client(), admin), hana, active=False)
    assert _state(hana) == (False, True)


def test_an_account_manager_in_hr_still_renames_themselves(manager):
    manager.groups.add(hr_group())
    data = {"email": manager.email, "first_name": "Alexandra", "last_name": manager.last_name}
    data["groups"] = list(manager.groups.values_list("pk", flat=True))
    browser = factories.sign_in(Client(), manager)
    page = browser.post(reverse("wagtailusers_users:edit", args=[manager.pk]), data, follow=True)
    assert REFUSED not in unescape(page.content.decode())
    assert get_user_model().objects.get(pk=manager.pk).first_name == "Alexandra"
