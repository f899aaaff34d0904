import re

import pytest
from django.contrib.auth import get_user_model

from tests import factories


def test_signing_in_by_email_shows_the_persons_name_and_sign_out(client, person, home_page):
    response = client.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD}, follow=True)
    html = response.content.decode()
    assert 'data-testid="signed-in-as">Priya Shah<' in html
    assert re.search(r'<form[^>]+action="/accounts/logout/"', html)
    assert ">Sign out</button>" in html


def test_a_wrong_password_shows_the_error_summary(client, person):
    response = client.post("/accounts/login/", {"login": person.email, "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "nhsuk-error-summary" in html
    assert "_auth_user_id" not in client.session


def test_there_is_no_public_sign_up(client, db):
    response = client.get("/accounts/signup/")
    assert "password1" not in response.content.decode()
    client.post(
        "/accounts/signup/",
        {"email": "stranger@example.com", "password1": "a long password 123", "password2": "a long password 123"},
    )
    assert not get_user_model().objects.filter(email="stranger@example.com").exists()


def test_signing_out_is_a_post(client, person):
    factories.sign_in(client, person)
    confirm = client.get("/accounts/logout/")
    assert confirm.status_code == 200 and "Are you sure you want to sign out?" in confirm.content.decode()
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, person, mailoutbox):
    client.post("/accounts/password/reset/", {"email": person.email})
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [person.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.request["PATH_INFO"]
    new_password = "a brand new password 2026"
    client.post(action, {"password1": new_password, "password2": new_password})
    client.logout()
    response = client.post("/accounts/login/", {"login": person.email, "password": new_password})
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.parametrize("path", ["/cms/", "/cms/pages/"])
def test_the_cms_is_for_editors_only(client, person, path):
    factories.sign_in(client, person)
    response = client.get(path)
    assert response.status_code == 403
    assert "for people with a different role" in response.content.decode()


def test_a_cms_editor_reaches_the_cms(client, person):
    from django.contrib.auth.models import Group

    person.groups.add(Group.objects.get(name="Editors"))
    factories.with_mfa(person)
    factories.sign_in(client, person)
    assert client.get("/cms/").status_code == 200
