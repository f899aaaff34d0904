"""Two changes at once that together would leave no HR officer who can sign in are taken one after the other, the
second refused as closing the last would be (PostgreSQL: real concurrent requests). Before, the CMS's check of the
last officer ran before Wagtail's save, outside any transaction: two Administrators closing Priya's and Omar's accounts
at the same moment both found the other still open, both saved, and nobody was left to do HR's work. Each of the
CMS's four doors (the user editor, the users list's "Set active state", the user's own delete and the bulk delete) and
the HR roles page taking the role away now hold the HR role's lock from their check to their commit.

The first change is held open (its transaction not committed) until the second has either finished or is seen
waiting for a lock in pg_locks: no sleeps, and the outcome does not depend on how fast either thread runs."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection  # noqa: F401  (read by the skipif condition)
from django.test import Client
from django.urls import reverse

from portal.people.hr_roles import hr_role_remove
from portal.people.roles import hr_group
from tests import factories
from tests.concurrency import second_while_first_is_open

pytestmark = [
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs a server database for real concurrency"),
    pytest.mark.django_db(transaction=True),
]

LAST = "is the last HR officer who can sign in"


def _officer(first_name: str, last_name: str):
    user = factories.make_user(first_name=first_name, last_name=last_name)
    factories.make_staff(user=user)
    user.groups.add(hr_group())
    return user


def _administrator():
    return factories.sign_in(Client(), factories.with_mfa(factories.make_user(is_superuser=True)))


def _page(response) -> str:
    return unescape(response.content.decode())


def _edit(cms, user) -> str:
    data = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name}
    data["groups"] = list(user.groups.values_list("pk", flat=True))  # the Active box left unticked: closed
    return _page(cms.post(reverse("wagtailusers_users:edit", args=[user.pk]), data, follow=True))


def _set_active(cms, user) -> str:
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "set_active_state"])
    return _page(cms.post(f"{url}?id={user.pk}&next=/cms/users/", {"mark_as_active": "False"}, follow=True))


def _delete(cms, user) -> str:
    return _page(cms.post(reverse("wagtailusers_users:delete", args=[user.pk]), follow=True))


def _bulk_delete(cms, user) -> str:
    url = reverse("wagtail_bulk_action", args=["accounts", "user", "delete"])
    return _page(cms.post(f"{url}?id={user.pk}&next=/cms/users/", follow=True))


DOORS = {"editor": _edit, "set active state": _set_active, "user delete": _delete, "bulk delete": _bulk_delete}


def _can_sign_in(user) -> bool:
    return get_user_model().objects.filter(pk=user.pk, is_active=True).exists()


@pytest.mark.parametrize("door", DOORS)
def test_two_administrators_closing_the_last_two_officers_at_once_leave_one(door):
    priya, omar = _officer("Priya", "Shah"), _officer("Omar", "Khan")
    first, second = _administrator(), _administrator()

    page, while_first_open = second_while_first_is_open(lambda: _edit(first, priya), lambda: DOORS[door](second, omar))

    assert not while_first_open  # it waited for the first to be saved, and then saw it
    assert f"Omar Khan {LAST}" in page, page
    assert (_can_sign_in(priya), _can_sign_in(omar)) == (False, True)


def test_the_hr_roles_page_and_the_cms_at_once_leave_one():
    """Priya takes Omar's HR role away on the HR roles page while an Administrator closes Priya's account: each alone
    leaves one officer, the two together none."""
    priya, omar = _officer("Priya", "Shah"), _officer("Omar", "Khan")
    administrator = _administrator()

    page, while_first_open = second_while_first_is_open(
        lambda: hr_role_remove(account=omar, reason="Moved to finance", user=priya),
        lambda: _edit(administrator, priya),
    )

    assert not while_first_open
    assert f"Priya Shah {LAST}" in page, page
    assert _can_sign_in(priya) and not omar.groups.filter(pk=hr_group().pk).exists()


def test_closing_an_officer_while_another_remains_is_saved_after_waiting():
    """Not every wait ends in a refusal: with a third officer, both closings are saved, one after the other."""
    priya, omar, _ = _officer("Priya", "Shah"), _officer("Omar", "Khan"), _officer("Grace", "Okafor")
    first, second = _administrator(), _administrator()

    page, while_first_open = second_while_first_is_open(lambda: _edit(first, priya), lambda: _edit(second, omar))

    assert not while_first_open
    assert LAST not in page
    assert (_can_sign_in(priya), _can_sign_in(omar)) == (False, False)
