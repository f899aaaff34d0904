"""The account of the last HR officer who can sign in is neither closed nor deleted in the CMS, by anyone, a superuser
included. The HR roles page never takes the role from the last officer, but an Administrator closed or deleted their
account in the user editor (its Active box), the users list ("Set active state", bulk delete) or the user's own
delete, or closed every officer at once in one bulk action: nobody was left to do HR's work (verify certificates,
export evidence, give the HR role back, which needs an HR officer). Each is refused, naming the officer and what to do,
and nothing is saved. Officers are counted as the HR roles page counts them (the account open, not left); closing an
account that is no such officer, or reopening one, is not this rule's business."""

import datetime
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.people.hr_roles import hr_officers_closing_leaves_none
from portal.people.roles import hr_group
from tests import factories

LAST = "the last HR officer who can sign in"


def _officer(first_name: str, last_name: str, **staff):
    user = factories.make_user(first_name=first_name, last_name=last_name)
    factories.make_staff(user=user, **staff)
    user.groups.add(hr_group())
    return user


@pytest.fixture
def priya(db):
    return _officer("Priya", "Shah")


@pytest.fixture
def omar(db):
    return _officer("Omar", "Khan")


@pytest.fixture
def sam(db):
    return factories.make_user(first_name="Sam", last_name="Taylor")


def _left_yesterday(first_name: str, last_name: str):
    return _officer(first_name, last_name, leave_date=timezone.localdate() - datetime.timedelta(days=1))


def _active(user):
    account = get_user_model().objects.filter(pk=user.pk).first()
    return account.is_active if account else None


def _page(response) -> str:
    return unescape(response.content.decode())


def _edit(cms, user, *, active: bool) -> str:
    data = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name}
    data.update(groups=list(user.groups.values_list("pk", flat=True)), **({"is_active": "on"} if active else {}))
    return _page(cms.post(reverse("wagtailusers_users:edit", args=[user.pk]), data, follow=True))


def _set_active(cms, *users, active: bool) -> str:
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "set_active_state"])
    query = "&".join(f"id={user.pk}" for user in users)
    return _page(cms.post(f"{url}?{query}&next=/cms/users/", {"mark_as_active": str(active)}, follow=True))


def _delete(cms, user) -> str:
    url = reverse("wagtailusers_users:delete", args=[user.pk])
    asked = _page(cms.get(url, follow=True))
    return asked + _page(cms.post(url, follow=True))


def _bulk_delete(cms, *users) -> str:
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "delete"])
    query = "&".join(f"id={user.pk}" for user in users)
    return _page(cms.post(f"{url}?{query}&next=/cms/users/", follow=True))


def _close_one(door: str, cms, user) -> str:
    return _edit(cms, user, active=False) if door == "editor" else _set_active(cms, user, active=False)


def _delete_one(door: str, cms, user) -> str:
    return _delete(cms, user) if door == "user" else _bulk_delete(cms, user)


@pytest.mark.parametrize("door", ["editor", "set active state"])
def test_a_superuser_cannot_close_the_last_hr_officers_account(cms, priya, door):
    page = _close_one(door, cms, priya)
    assert (
        f"Priya Shah is {LAST}: closing or deleting the account would leave nobody who can do HR's work. Give a "
        f"colleague the HR role on the HR roles page ({reverse('hr_roles:list')}) first. Nothing was saved."
    ) in page
    assert _active(priya) is True


@pytest.mark.parametrize("door", ["editor", "set active state"])
def test_but_closes_one_when_another_can_sign_in(cms, priya, omar, door):
    assert LAST not in _close_one(door, cms, priya)
    assert (_active(priya), _active(omar)) == (False, True)


def test_nor_close_the_only_two_at_once(cms, priya, omar):
    page = _set_active(cms, priya, omar, active=False)
    assert "Omar Khan and Priya Shah are the last HR officers who can sign in" in page
    assert (_active(priya), _active(omar)) == (True, True)


def test_but_closes_one_of_the_two_in_the_users_list(cms, priya, omar, sam):
    assert LAST not in _set_active(cms, omar, sam, active=False)
    assert (_active(priya), _active(omar), _active(sam)) == (True, False, False)


@pytest.mark.parametrize("door", ["user", "bulk"])
def test_nor_delete_the_last_hr_officers_account(cms, priya, door):
    page = _delete_one(door, cms, priya)
    assert f"Priya Shah is {LAST}" in page
    assert _active(priya) is True


def test_nor_delete_the_only_two_at_once(cms, priya, omar, sam):
    assert "are the last HR officers who can sign in" in _bulk_delete(cms, priya, omar, sam)
    assert (_active(priya), _active(omar), _active(sam)) == (True, True, True)


@pytest.mark.parametrize("door", ["user", "bulk"])
def test_but_deletes_one_when_another_can_sign_in(cms, priya, omar, door):
    assert LAST not in _delete_one(door, cms, priya)
    assert (_active(priya), _active(omar)) == (None, True)


@pytest.mark.parametrize("door", ["editor", "set active state"])
def test_an_officer_who_has_left_is_not_one_who_can_sign_in(cms, priya, door):
    leaver = _left_yesterday("Lee", "Gone")
    assert f"Priya Shah is {LAST}" in _close_one(door, cms, priya)
    assert _active(priya) is True
    assert LAST not in _close_one(door, cms, leaver)  # nor is closing theirs refused
    assert _active(leaver) is False


def test_an_officer_whose_account_is_closed_is_not_one_either(cms, priya, omar):
    omar.is_active = False
    omar.save()
    assert f"Priya Shah is {LAST}" in _set_active(cms, priya, active=False)
    assert _active(priya) is True


@pytest.mark.parametrize("door", ["editor", "set active state"])
def test_when_none_can_sign_in_already_other_accounts_still_close(cms, sam, door):
    leaver = _left_yesterday("Lee", "Gone")
    assert LAST not in _close_one(door, cms, sam)
    assert LAST not in _close_one(door, cms, leaver)
    assert (_active(sam), _active(leaver)) == (False, False)


@pytest.mark.parametrize("door", ["editor", "set active state"])
def test_a_superuser_still_closes_an_account_that_is_no_hr_officers(cms, priya, sam, door):
    assert LAST not in _close_one(door, cms, sam)
    assert (_active(sam), _active(priya)) == (False, True)


@pytest.mark.parametrize("door", ["editor", "set active state"])
def test_reopening_is_not_refused(cms, priya, omar, door):
    omar.is_active = False
    omar.save()
    page = _edit(cms, omar, active=True) if door == "editor" else _set_active(cms, omar, active=True)
    assert LAST not in page
    assert _active(omar) is True


def test_the_count_is_one_query_and_names_the_officers_it_would_leave_none_without(priya, omar, sam):
    with CaptureQueriesContext(connection) as queries:
        named = hr_officers_closing_leaves_none({priya.pk, omar.pk, sam.pk})
    assert len(queries) == 1
    assert [user.pk for user in named] == [omar.pk, priya.pk]  # by name
    assert hr_officers_closing_leaves_none({priya.pk, sam.pk}) == []
    assert hr_officers_closing_leaves_none(set()) == []
