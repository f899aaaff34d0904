"""The Wagtail admin's user editor does not change an account's sign-in email: it comes from the roster or the
identity provider (portal.accounts.email_address), and the editor's Email box let a superuser point someone's
account at a mailbox of their own, ask allauth's password reset for it, and sign in as that person. A changed email
is refused with a message saying why and where the address comes from, and nothing in the form is saved."""

from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests import factories


@pytest.fixture
def sam(db):
    return factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")


def _edit(cms, user, **changes):
    data = {"email": user.email, "first_name": user.first_name, "last_name": user.last_name, "is_active": "on"}
    return cms.post(reverse("wagtailusers_users:edit", args=[user.pk]), {**data, **changes}, follow=True)


def test_a_changed_email_is_refused_and_nothing_is_saved(cms, sam, mailoutbox):
    page = unescape(_edit(cms, sam, email="someone.else@example.com", first_name="Samuel").content.decode())
    assert "The sign-in email of Sam Taylor cannot be changed here" in page
    account = get_user_model().objects.get(pk=sam.pk)
    assert (account.email, account.first_name) == ("sam.taylor@example.nhs.uk", "Sam")
    Client().post("/accounts/password/reset/", {"email": "someone.else@example.com"})
    assert mailoutbox == []


def test_the_same_email_with_other_changes_is_saved(cms, sam):
    assert _edit(cms, sam, first_name="Samuel").status_code == 200
    assert get_user_model().objects.get(pk=sam.pk).first_name == "Samuel"
