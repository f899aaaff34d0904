"""A work email is one sign-in name whatever its capitals: "HR.First@..." beside "hr.first@..." was two accounts for
one mailbox (the CMS's new-user form saved the address as typed), and `createsuperuser` for the first ended in an
IntegrityError traceback, as its duplicate check matched the case exactly before the manager lower-cased it. The
database refuses a second account whatever its capitals (portal/accounts/migrations/0007), each door says so in words,
and sign-in finds the account whatever capitals the person types."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.urls import reverse

from tests import dbrole, factories

EMAIL = "hr.first@example.nhs.uk"
BEFORE = ("accounts", "0006_password_unusable_by_default")
CONSTRAINT = ("accounts", "0007_email_unique_whatever_its_case")


@pytest.fixture
def holder(db):
    return factories.make_user(email=EMAIL, first_name="Hana", last_name="First")


def test_createsuperuser_refuses_the_address_in_other_capitals(holder, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Str0ng-pass-word-42")
    with pytest.raises(CommandError, match="That work email is already taken"):
        call_command("createsuperuser", "--noinput", email="HR.First@example.nhs.uk", verbosity=0)
    assert list(get_user_model().objects.values_list("email", "is_superuser")) == [(EMAIL, False)]


def test_the_cms_refuses_a_new_account_for_the_address_in_other_capitals(cms, holder):
    data = {"email": "HR.First@example.nhs.uk", "first_name": "Hana", "last_name": "Second"}
    response = cms.post(reverse("wagtailusers_users:add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account already signs in with this work email (capitals do not make it another address)."
    ]
    assert get_user_model().objects.filter(email__iexact=EMAIL).count() == 1


def test_sign_in_finds_the_account_whatever_the_capitals(holder, django_assert_num_queries):
    assert ModelBackend().authenticate(None, email="HR.FIRST@Example.NHS.uk", password=factories.PASSWORD) == holder
    client = Client()
    client.get("/accounts/login/")
    # 1 the account, 2 has it an authenticator app? (allauth), 3-5 the new session: as for the address as stored
    # (tests/accounts/test_sign_in_statements.py).
    with django_assert_num_queries(5):
        response = client.post("/accounts/login/", {"login": "HR.First@example.nhs.uk", "password": "wrong"})
    assert "_auth_user_id" not in client.session and response.status_code == 200
    client.post("/accounts/login/", {"login": "HR.First@example.nhs.uk", "password": factories.PASSWORD})
    assert client.session["_auth_user_id"] == str(holder.pk)


@pytest.mark.django_db(transaction=True)
def test_the_migration_stops_naming_accounts_that_differ_only_in_capitals():
    User = get_user_model()
    with dbrole.as_owner():  # migrations run as the database's owner
        MigrationExecutor(connection).migrate([BEFORE])
        try:
            User.objects.bulk_create([User(email="HR.First@example.nhs.uk"), User(email=EMAIL)])
            first, second = User.objects.order_by("pk").values_list("pk", flat=True)
            with pytest.raises(CommandError) as refused:
                MigrationExecutor(connection).migrate([CONSTRAINT])
            message = str(refused.value)
            assert f"hr.first@example.nhs.uk: accounts {first} (HR.First@example.nhs.uk), {second} ({EMAIL})" in message
            assert "Nothing was changed" in message
            assert CONSTRAINT not in MigrationRecorder(connection).applied_migrations()
            assert User.objects.count() == 2  # not merged: an administrator decides which account stays
        finally:
            User.objects.filter(email="HR.First@example.nhs.uk").delete()
            executor = MigrationExecutor(connection)
            executor.migrate(executor.loader.graph.leaf_nodes())
    assert CONSTRAINT in MigrationRecorder(connection).applied_migrations()
