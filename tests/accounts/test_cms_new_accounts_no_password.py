"""An account made in the CMS has an unusable password ("!" and random characters, as the roster's new accounts
have), not the empty string the new-user form saved: it has no password fields, so the model's default was kept.
Django refuses "" at sign-in, but counts it a usable password, as allauth does. Accounts made so before are given an
unusable one by a data migration (portal/accounts/migrations/0005_empty_passwords_unusable.py)."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests import factories


def _made(client, email: str):
    data = {"email": email, "first_name": "Nia", "last_name": "Ward"}
    assert client.post(reverse("wagtailusers_users:add"), data).status_code == 302
    return get_user_model().objects.get(email=email)


def test_an_account_made_in_the_cms_has_an_unusable_password(cms):
    nia = _made(cms, "nia.ward@example.nhs.uk")
    assert nia.password.startswith("!") and len(nia.password) > 1
    assert not nia.has_usable_password()
    assert authenticate(email=nia.email, password="") is None
    other = _made(cms, "noor.ward@example.nhs.uk")
    assert other.password != nia.password  # random, as Django makes them: no shared value to recognise


def test_the_account_can_still_be_given_a_password_by_its_holder(cms):
    nia = _made(cms, "nia.ward@example.nhs.uk")
    nia.set_password("a long passphrase of her own")
    nia.save()
    assert authenticate(email=nia.email, password="a long passphrase of her own") == nia


def test_a_sign_in_with_an_empty_password_signs_no_one_in(cms):
    nia = _made(cms, "nia.ward@example.nhs.uk")
    response = Client().post(reverse("account_login"), {"login": nia.email, "password": ""})
    assert "_auth_user_id" not in response.wsgi_request.session


def test_the_migration_makes_empty_passwords_unusable_and_leaves_others(db):
    empty_one, empty_two = factories.make_user(), factories.make_user()
    with_password, unusable = factories.make_user(), factories.make_user()
    unusable.set_unusable_password()
    unusable.save()
    users = get_user_model().objects
    users.filter(pk__in=[empty_one.pk, empty_two.pk]).update(password="")
    kept = dict(users.filter(pk__in=[with_password.pk, unusable.pk]).values_list("pk", "password"))

    migration = importlib.import_module("portal.accounts.migrations.0005_empty_passwords_unusable")
    migration.empty_passwords_unusable(apps, SimpleNamespace(connection=connection))

    made = dict(users.filter(pk__in=[empty_one.pk, empty_two.pk]).values_list("pk", "password"))
    assert all(password.startswith("!") and len(password) > 1 for password in made.values())
    assert made[empty_one.pk] != made[empty_two.pk]
    assert not users.get(pk=empty_one.pk).has_usable_password()
    assert dict(users.filter(pk__in=kept).values_list("pk", "password")) == kept
    assert not users.filter(password="").exists()
