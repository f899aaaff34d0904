"""HR and CMS editors cannot reach their pages without a second factor."""

import pytest
from django.contrib.auth.models import Group

from portal.people.roles import hr_group
from tests import factories

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.parametrize("path", ["/certificates/queue/", "/hr/imports/roster/", "/hr/imports/completions/"])
def test_hr_without_mfa_is_sent_to_set_it_up(client, person, path):
    person.groups.add(hr_group())
    factories.sign_in(client, person)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/?next=")
    factories.with_mfa(person, SECRET)
    # An authenticator added elsewhere does not count for this session until its code is entered here.
    assert client.get(path)["Location"].startswith("/accounts/2fa/reauthenticate/")
    code = factories.totp_code(SECRET)
    client.post("/accounts/2fa/reauthenticate/", {"code": code})
    assert client.get(path).status_code == 200


def test_a_cms_editor_without_mfa_is_sent_to_set_it_up(client, person):
    person.groups.add(Group.objects.get(name="Editors"))
    factories.sign_in(client, person)
    assert client.get("/cms/")["Location"].startswith("/accounts/2fa/totp/activate/")


def test_staff_pages_do_not_ask_ordinary_staff_for_mfa(client, person, home_page):
    factories.sign_in(client, person)
    assert client.get("/training/").status_code == 200


def test_signing_in_with_mfa_asks_for_the_code(client, person):
    person.groups.add(hr_group())
    factories.with_mfa(person, SECRET)
    response = client.post("/accounts/login/", {"login": person.email, "password": factories.PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    code = factories.totp_code(SECRET)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.session["_auth_user_id"] == str(person.pk)
    assert client.get("/certificates/queue/").status_code == 200
