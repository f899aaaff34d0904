"""Nobody changes their sign-in email in the portal: it comes from the roster or the identity provider.

It is also how the roster, single sign-on and the audit log find a person, so an address taken by someone else would
let them pose as a colleague or a future starter.
"""

import importlib
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
)
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.people.roles import hr_group
from tests import factories

EMAIL_PAGE = "/accounts/email/"
ACTIVATE_TOTP = "/accounts/2fa/totp/activate/"


def writes(queries) -> list[str]:
    """SQL that changed something other than the session row (the session remembers when it was last used)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"} and "django_session" not in q["sql"]
    ]


def test_the_page_shows_the_sign_in_address_read_only_and_writes_nothing(person_client, person):
    with CaptureQueriesContext(connection) as queries:
        response = person_client.get(EMAIL_PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="sign-in-email">{person.email}<' in html
    assert 'name="email"' not in html and "action_add" not in html
    assert "ask HR" in html
    assert writes(queries.captured_queries) == []
    assert not EmailAddress.objects.filter(user=person).exists()


@pytest.mark.parametrize(
    "action",
    [
        {"action_add": "", "email": "owen.jones@example.nhs.uk"},  # a colleague's address
        {"action_add": "", "email": "future.starter@example.nhs.uk"},  # on next month's roster, no account yet
        {"action_primary": "", "email": "priya.personal@example.com"},
        {"action_remove": "", "email": "priya.shah@example.nhs.uk"},
        {"action_send": "", "email": "priya.personal@example.com"},
    ],
)
def test_no_post_adds_swaps_or_removes_an_address(person_client, person, someone_else, mailoutbox, action):
    # Legacy data: an extra address added before this page was closed.
    EmailAddress.objects.create(user=person, email="priya.personal@example.com", verified=True, primary=False)
    before = sorted(EmailAddress.objects.values_list("user_id", "email", "primary", "verified"))

    response = person_client.post(EMAIL_PAGE, action)

    assert response.status_code == 405
    person.refresh_from_db()
    assert person.email == "priya.shah@example.nhs.uk"
    assert sorted(EmailAddress.objects.values_list("user_id", "email", "primary", "verified")) == before
    assert mailoutbox == []


def test_the_adapter_never_lets_an_address_be_removed(person):
    address = EmailAddress.objects.create(user=person, email="priya.personal@example.com", verified=True)
    assert get_adapter().can_delete_email(address) is False


def test_after_visiting_the_email_page_hr_can_still_set_up_a_second_factor(client, person):
    person.groups.add(hr_group())
    person.refresh_from_db()  # a role change starts a new session epoch
    factories.sign_in(client, person)
    client.get(EMAIL_PAGE)
    activate_totp(client, person)


def test_an_address_left_unverified_by_old_data_does_not_stop_a_second_factor(client, person):
    EmailAddress.objects.create(user=person, email=person.email, verified=False, primary=True)
    person.groups.add(hr_group())
    person.refresh_from_db()  # a role change starts a new session epoch
    factories.sign_in(client, person)
    activate_totp(client, person)


def activate_totp(client, person):
    client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})  # allauth asks before any change
    page = client.get(ACTIVATE_TOTP)
    assert page.status_code == 200, page.get("Location")  # not sent away with "verify your email first"
    secret = client.session[SECRET_SESSION_KEY]
    code = factories.totp_code(secret)
    client.post(ACTIVATE_TOTP, {"code": code})
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()


def form_values(html: str) -> dict:
    """The values a browser would submit from the page's inputs, selected options and checked boxes."""

    class Form(HTMLParser):
        values, select = {}, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name") and attrs.get("type") not in {"checkbox", "radio", "file"}:
                self.values[attrs["name"]] = attrs.get("value") or ""
            elif tag == "input" and attrs.get("name") and "checked" in attrs:
                self.values[attrs["name"]] = attrs.get("value", "on")
            elif tag == "select":
                self.select = attrs.get("name")
            elif tag == "option" and self.select and ("selected" in attrs or self.select not in self.values):
                self.values[self.select] = attrs.get("value", "")

        def handle_endtag(self, tag):
            if tag == "select":
                self.select = None

    parser = Form()
    parser.values = {}
    parser.feed(html)
    return parser.values


# --- the Wagtail admin's own account page ---------------------------------------------------------------------


@pytest.fixture
def cms_editor_client(client, person):
    editors, _ = Group.objects.get_or_create(name="CMS editors")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    person.groups.add(editors)
    person.refresh_from_db()  # a role change starts a new session epoch
    factories.with_mfa(person)
    return factories.sign_in(client, person)


def test_a_cms_editor_cannot_change_their_email_or_password_in_the_wagtail_admin(cms_editor_client, person):
    page = cms_editor_client.get("/cms/account/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="name_email-email"' not in html
    assert 'name="password-new_password1"' not in html

    # Everything the page's form would send, with a colleague's address and a new password typed in as well.
    data = form_values(html)
    data.update(
        {
            "name_email-email": "owen.jones@example.nhs.uk",
            "password-old_password": factories.PASSWORD,
            "password-new_password1": "another long passphrase here",
            "password-new_password2": "another long passphrase here",
        }
    )
    response = cms_editor_client.post("/cms/account/", data)
    assert response.status_code == 302  # saved: the rest of the form was valid
    person.refresh_from_db()
    assert person.email == "priya.shah@example.nhs.uk"
    assert person.check_password(factories.PASSWORD)


def test_addresses_people_added_themselves_are_removed_and_the_sign_in_address_counts_as_verified(person, someone_else):
    from django.apps import apps

    migration = importlib.import_module("portal.accounts.migrations.0003_sign_in_email_only")
    EmailAddress.objects.create(user=person, email="Priya.Shah@example.nhs.uk", verified=False, primary=False)
    EmailAddress.objects.create(user=person, email="priya.shah@example.nhs.uk", verified=False, primary=True)
    EmailAddress.objects.create(user=person, email=someone_else.email, verified=False, primary=False)
    EmailAddress.objects.create(user=person, email="future.starter@example.nhs.uk", verified=True, primary=False)
    EmailAddress.objects.create(user=someone_else, email=someone_else.email, verified=True, primary=True)

    migration.keep_only_the_sign_in_address(apps, SimpleNamespace(connection=connection))

    assert sorted(EmailAddress.objects.values_list("user_id", "email", "verified", "primary")) == sorted(
        [
            (person.pk, "Priya.Shah@example.nhs.uk", True, True),
            (someone_else.pk, someone_else.email, True, True),
        ]
    )
