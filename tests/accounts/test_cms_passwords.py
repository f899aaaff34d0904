"""The Wagtail admin's user editor and new-user form set no password (WAGTAILUSERS_PASSWORD_ENABLED off): they had
Password boxes, so a superuser could give any account, a new starter's not yet claimed included, a password of their
choosing and then sign in as that person, attest and pass quizzes in their name, with nothing in the audit log but
the person's own sign-in. A password is set only by its holder, through allauth (the invitation or reset link mailed
to them, or the change page that asks for the old one)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests import factories

CHOSEN = "a password the admin chose 123"


@pytest.fixture
def sam(db):
    return factories.make_user(email="sam.taylor@example.nhs.uk", first_name="Sam", last_name="Taylor")


def _signs_in(email: str, password: str) -> bool:
    client = Client()
    client.post("/accounts/login/", {"login": email, "password": password})
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url_name", ["wagtailusers_users:add", "wagtailusers_users:edit"])
def test_the_cms_user_forms_have_no_password_boxes(cms, sam, url_name):
    url = reverse(url_name, args=[sam.pk] if url_name.endswith("edit") else [])
    html = cms.get(url).content.decode()
    assert 'name="password1"' not in html and 'name="password2"' not in html


def test_a_password_posted_to_the_user_editor_is_not_set(cms, sam):
    data = {"email": sam.email, "first_name": "Sam", "last_name": "Taylor", "is_active": "on"}
    response = cms.post(
        reverse("wagtailusers_users:edit", args=[sam.pk]), {**data, "password1": CHOSEN, "password2": CHOSEN}
    )
    assert response.status_code == 302
    assert not _signs_in(sam.email, CHOSEN)
    assert _signs_in(sam.email, factories.PASSWORD)


def test_an_account_made_in_the_cms_gets_its_password_from_the_reset_link_mailed_to_its_holder(cms, mailoutbox):
    data = {"email": "nia.ward@example.nhs.uk", "first_name": "Nia", "last_name": "Ward"}
    response = cms.post(reverse("wagtailusers_users:add"), {**data, "password1": CHOSEN, "password2": CHOSEN})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert get_user_model().objects.filter(email="nia.ward@example.nhs.uk", is_active=True).exists()
    assert not _signs_in("nia.ward@example.nhs.uk", CHOSEN)
    assert not _signs_in("nia.ward@example.nhs.uk", "")
    Client().post("/accounts/password/reset/", {"email": "nia.ward@example.nhs.uk"})
    assert [message.to for message in mailoutbox] == [["nia.ward@example.nhs.uk"]]
