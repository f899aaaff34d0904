"""Where a form sends someone next (`next`) is checked by one rule, portal.lib.links.safe_next: a path on the portal,
or an address on the host the request came in on, and from an https page only an https one. The remind form left out
the second part, so a forged `next=http://<portal-host>/...` sent a manager reminding someone from an https page to
the plain-http address (where anyone on the network may answer). The sign-in door and the authenticator setup keep
the rule they had, now the same code."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal.lib.links import safe_next
from tests.reports.conftest import client_for, org  # noqa: F401

HOST = "testserver"


@pytest.mark.parametrize(
    ("secure", "url", "kept"),
    [
        (True, "/reports/team/", True),
        (True, f"https://{HOST}/reports/team/", True),
        (True, f"http://{HOST}/reports/team/", False),
        (False, f"http://{HOST}/reports/team/", True),
        (True, "https://evil.example/", False),
        (True, "//evil.example/", False),
        (True, "", False),
    ],
)
def test_the_rule(secure, url, kept):
    request = RequestFactory().post("/", {"next": url}, secure=secure)
    assert safe_next(request) == (url if kept else "")


def test_the_remind_form_does_not_follow_a_forged_http_next_from_an_https_page(org, mailoutbox):  # noqa: F811
    client = client_for(org["manager"])
    form = {"staff": org["sam"].pk, "next": f"http://{HOST}/reports/team/"}
    response = client.post(reverse("reports:team_remind"), form, secure=True)
    assert response.status_code == 302 and response["Location"] == reverse("reports:team")
    kept = client.post(reverse("reports:team_remind"), {**form, "next": "/reports/team/?x=1"}, secure=True)
    assert kept["Location"] == "/reports/team/?x=1"


def test_the_sign_in_door_drops_a_forged_http_next_from_an_https_page(client):
    response = client.get("/cms/login/", {"next": f"http://{HOST}/cms/pages/"}, secure=True)
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fcms%2F"


def test_the_authenticator_setup_drops_a_forged_http_next_from_an_https_page(client, org):  # noqa: F811
    client = client_for(org["manager"])
    page = client.get("/accounts/2fa/totp/activate/", {"next": f"http://{HOST}/hr/"}, secure=True).content.decode()
    assert '<input type="hidden" name="next" value="">' in page or 'name="next"' not in page
    assert f"http://{HOST}/hr/" not in page
