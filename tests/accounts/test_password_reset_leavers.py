"""A password reset is not for someone who has left or whose account is closed: no link is mailed to them (the page
says the same whoever asks), and a link mailed before they left or were closed no longer sets a password
(portal.accounts.password_reset)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from portal.people.models import StaffMember
from tests import factories

NEW = "a brand new long passphrase 42"
RESET = "/accounts/password/reset/"


def _person(email):
    user = factories.make_user(email=email)
    factories.make_staff(user=user)
    return user


def _leaves_yesterday(user):
    StaffMember.objects.filter(user=user).update(leave_date=timezone.localdate() - datetime.timedelta(days=1))


def _asked(client, email):
    response = client.post(RESET, {"email": email})
    return response.status_code, response["Location"]


def test_a_leaver_is_not_mailed_a_reset_link_and_the_page_says_the_same(db, mailoutbox):
    lee = _person("lee.left@example.nhs.uk")
    _leaves_yesterday(lee)
    current = _person("cat.current@example.nhs.uk")
    client = Client()
    answers = {_asked(client, email) for email in (lee.email, "nobody@example.nhs.uk", current.email)}
    assert answers == {(302, "/accounts/password/reset/done/")}
    assert [message.to for message in mailoutbox] == [[current.email]]


def test_someone_leaving_today_is_still_mailed_one(db, mailoutbox):
    dee = _person("dee.lastday@example.nhs.uk")
    StaffMember.objects.filter(user=dee).update(leave_date=timezone.localdate())  # their last day: still in post
    Client().post(RESET, {"email": dee.email})
    assert [message.to for message in mailoutbox] == [[dee.email]]


def _link_path(mailoutbox) -> str:
    link = next(word for word in mailoutbox[-1].body.split() if "/accounts/password/reset/key/" in word)
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def _closed(user):
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)


@pytest.mark.parametrize("leaves", [_closed, _leaves_yesterday], ids=["account closed", "leave date passed"])
def test_a_link_mailed_before_stops_working(db, mailoutbox, leaves):
    lee = _person("lee.left2@example.nhs.uk")
    client = Client()
    client.post(RESET, {"email": lee.email})
    leaves(lee)
    response = client.get(_link_path(mailoutbox))
    assert response.status_code == 200 and "<h1>This link has expired or been used</h1>" in response.content.decode()
    lee.refresh_from_db()
    assert not lee.check_password(NEW)


@pytest.mark.parametrize("leaves", [_closed, _leaves_yesterday], ids=["account closed", "leave date passed"])
def test_a_link_opened_before_does_not_set_the_password_after(db, mailoutbox, leaves):
    lee = _person("lee.left3@example.nhs.uk")
    client = Client()
    client.post(RESET, {"email": lee.email})
    form = client.get(_link_path(mailoutbox))["Location"]  # the key is in the session, the form open
    leaves(lee)
    response = client.post(form, {"password1": NEW, "password2": NEW})
    assert "This link has expired or been used" in response.content.decode()
    lee.refresh_from_db()
    assert not lee.check_password(NEW)
