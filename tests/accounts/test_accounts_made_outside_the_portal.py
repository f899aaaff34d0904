"""An account made outside the portal's own flows, with `User.objects.create(...)` (the shell, a command) rather than
`create_user`, has an unusable password ("!" and random characters), as the roster's and the CMS's new accounts have.
It kept the field's default before, "": Django refuses it at sign-in, but Django and allauth count it a usable
password, so the person signed in another way (single sign-on) was sent by allauth to a change-password page asking
for a current password they never had, instead of the page that sets one; and the roster did not invite such an
account's holder when they came back. Accounts so made before are given an unusable one by a data migration
(portal/accounts/migrations/0006_password_unusable_by_default.py)."""

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests import factories


def _made_in_the_shell(email: str):
    return get_user_model().objects.create(email=email, first_name="Nia", last_name="Ward")


def test_an_account_made_with_create_has_an_unusable_password(db):
    nia = _made_in_the_shell("nia.ward@example.nhs.uk")
    noor = _made_in_the_shell("noor.ward@example.nhs.uk")
    stored = get_user_model().objects.get(pk=nia.pk)
    assert stored.password.startswith("!") and len(stored.password) > 1
    assert not stored.has_usable_password()
    assert stored.password != get_user_model().objects.get(pk=noor.pk).password  # random, nothing shared
    assert authenticate(email=nia.email, password="") is None


def test_its_holder_is_asked_to_set_a_password_not_for_one_they_never_had(db):
    nia = _made_in_the_shell("nia.ward@example.nhs.uk")
    client = factories.sign_in(Client(), nia)  # signed in another way, as single sign-on would
    response = client.get(reverse("account_change_password"))
    assert (response.status_code, response["Location"]) == (302, reverse("account_set_password"))
    assert client.get(reverse("account_set_password")).status_code == 200


def test_a_password_given_at_creation_is_still_the_one_stored(db):
    nia = get_user_model().objects.create_user(email="nia.ward@example.nhs.uk", password="a long passphrase")
    assert authenticate(email=nia.email, password="a long passphrase") == nia


def test_the_migration_makes_empty_passwords_unusable_and_leaves_others(db):
    empty_one, empty_two = factories.make_user(), factories.make_user()
    with_password, unusable = factories.make_user(), _made_in_the_shell("nia.ward@example.nhs.uk")
    users = get_user_model().objects
    users.filter(pk__in=[empty_one.pk, empty_two.pk]).update(password="")
    kept = dict(users.filter(pk__in=[with_password.pk, unusable.pk]).values_list("pk", "password"))

    migration = importlib.import_module("portal.accounts.migrations.0006_password_unusable_by_default")
    migration.empty_passwords_unusable(apps, SimpleNamespace(connection=connection))

    made = dict(users.filter(pk__in=[empty_one.pk, empty_two.pk]).values_list("pk", "password"))
    assert all(password.startswith("!") and len(password) > 1 for password in made.values())
    assert made[empty_one.pk] != made[empty_two.pk]
    assert dict(users.filter(pk__in=kept).values_list("pk", "password")) == kept
    assert not users.filter(password="").exists()
