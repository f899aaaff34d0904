"""Single sign-on finds the roster person, and password sign-in turned off finds the break-glass superuser, by the
address matched as sign-in matches it (the lower case, which the one-account-per-address index is on), not with
Django's `iexact`, which on PostgreSQL compares upper cases: a@ıx.example (a dotless i, as an international domain may
have) is then the same address as a@ix.example. Signed in at the provider as a@ıx.example, someone was linked to, and
signed in as, a@ix.example's account; with password sign-in off, the holder of a@ıx.example signed in with their
password because a@ix.example is a superuser. SQLite's case rule is ASCII's, so both failed before on PostgreSQL only
(d617219 and bb2d7be found the same in the sign-in warning and sso_unlink)."""

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import authenticate
from django.test import RequestFactory

from tests import factories
from tests.accounts.test_sso import configure, idp, new_sub, roster_person, sign_in, signed_in_as  # noqa: F401

DOTLESS = "a@\u0131x.example"


def test_a_provider_account_at_another_address_is_not_the_roster_person(client, configure):  # noqa: F811
    sso = configure()
    person = roster_person(email="a@ix.example")
    sub = sso.add_account(new_sub(), email=DOTLESS, email_verified=True)
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 403 and "We cannot find you on the staff list" in response.content.decode()
    assert signed_in_as(client) is None
    assert not SocialAccount.objects.filter(user=person).exists()


def test_the_same_address_in_other_capitals_is_still_the_roster_person(client, configure):  # noqa: F811
    sso = configure()
    person = roster_person(email="priya.shah@example.nhs.uk")
    sub = sso.add_account(new_sub(), email="Priya.Shah@Example.NHS.uk", email_verified=True)
    response, _ = sign_in(client, sso, sub)
    assert response.status_code == 302 and signed_in_as(client) == str(person.pk)


def test_with_password_sign_in_off_a_superuser_at_another_address_lets_nobody_in(client, configure):  # noqa: F811
    configure(PORTAL_PASSWORD_LOGIN="false")
    factories.make_user(email="a@ix.example", is_superuser=True, is_staff=True)
    factories.make_user(email=DOTLESS)
    response = client.post("/accounts/login/?break-glass", {"login": DOTLESS, "password": factories.PASSWORD})
    assert signed_in_as(client) is None
    assert "Password sign-in is turned off." in response.content.decode()
    # The form checks the account it found again; any other door that calls authenticate() has only the backend.
    assert authenticate(RequestFactory().post("/"), email=DOTLESS, password=factories.PASSWORD) is None


def test_with_password_sign_in_off_the_superuser_in_other_capitals_still_breaks_glass(client, configure):  # noqa: F811
    configure(PORTAL_PASSWORD_LOGIN="false")
    admin = factories.make_user(email="admin@example.nhs.uk", is_superuser=True, is_staff=True)
    response = client.post(
        "/accounts/login/?break-glass", {"login": "Admin@Example.NHS.uk", "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and signed_in_as(client) == str(admin.pk)
