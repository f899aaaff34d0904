"""The Wagtail admin's "copy a user" address (/cms/users/copy/<id>/) is gone. Wagtail's generic copy view fills its
form with the account being copied, *that account itself*, so a POST there saved over it: someone who may add
accounts in the CMS, a delegated account manager who is not a superuser, changed a colleague's sign-in email to a
mailbox of their own, made them a superuser and gave them the HR group and a group the manager was not in, in one
request. None of the user editor's refusals ran (they are hooks of the editor and the new-user form), nor the
new-user form's own (an unusable password, the address in lower case). The page's own form posts to the new-user
form, so nobody loses anything: the address now answers "not found" to everyone, and nothing is saved."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from wagtail.admin.views.generic.models import CopyViewMixin

from portal.people.roles import hr_group
from tests import factories


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def publishers(db):
    group = Group.objects.create(name="Publishers")
    group.permissions.add(_permission("wagtailadmin", "access_admin"), _permission("auth", "change_group"))
    return group


@pytest.fixture
def manager(db):
    """Adds and changes accounts in the CMS; not a superuser, not HR, not in Publishers."""
    group = Group.objects.create(name="Account managers")
    group.permissions.add(
        _permission("wagtailadmin", "access_admin"),
        _permission("accounts", "add_user"),
        _permission("accounts", "change_user"),
    )
    user = factories.with_mfa(factories.make_user(email="alex.accounts@example.nhs.uk"))
    user.groups.add(group, Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def sam(db):
    return factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")


def _account(user) -> tuple:
    user = get_user_model().objects.get(pk=user.pk)
    return user.email, user.first_name, user.is_superuser, sorted(user.groups.values_list("name", flat=True))


def _take_over(client, sam, *groups):
    return client.post(
        f"/cms/users/copy/{sam.pk}/",
        {
            "email": "mine@elsewhere.example",
            "first_name": "Sam",
            "last_name": "Taylor",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [group.pk for group in groups],
        },
    )


def test_an_account_manager_cannot_save_over_a_colleagues_account_through_copy(manager, sam, publishers):
    before = _account(sam)
    accounts = get_user_model().objects.count()
    response = _take_over(factories.sign_in(Client(), manager), sam, publishers, hr_group())
    assert response.status_code == 404
    assert _account(sam) == before
    assert get_user_model().objects.count() == accounts


def test_nor_can_a_superuser_change_a_sign_in_email_or_give_hr_there(sam):
    admin = factories.with_mfa(factories.make_user(email="root@example.nhs.uk", is_superuser=True))
    before = _account(sam)
    response = _take_over(factories.sign_in(Client(), admin), sam, hr_group())
    assert response.status_code == 404
    assert _account(sam) == before


def test_the_copy_page_is_not_found(manager, sam):
    assert factories.sign_in(Client(), manager).get(f"/cms/users/copy/{sam.pk}/").status_code == 404


def test_no_address_in_the_urlconf_copies_an_account():
    def copy_views_of_accounts(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from copy_views_of_accounts(pattern.url_patterns)
                continue
            view_class = getattr(pattern.callback, "view_class", None)
            model = (getattr(pattern.callback, "view_initkwargs", None) or {}).get("model")
            if view_class and issubclass(view_class, CopyViewMixin) and model is get_user_model():
                yield str(pattern.pattern)

    assert list(copy_views_of_accounts(get_resolver().url_patterns)) == []
