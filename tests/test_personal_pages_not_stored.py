"""What a signed-in person sees is never kept by a browser or a proxy (Cache-Control: no-store): a shared ward
computer's back button must not show the last person's training record, team or exports."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories, test_url_permissions

world = test_url_permissions.world  # the fixture: every kind of record, and a person of each kind

PAGES = {
    "staff": [
        ("reports:my_training", ()),
        ("modules:index", ()),  # where the list of modules was: it follows to the module index page
        ("certificates:mine", ()),
        ("attestation:list", ()),
    ],
    "manager": [("reports:team", ()), ("exports:csv", ()), ("exports:xlsx", ())],
    "hr": [
        ("reports:team_person", ("sam",)),
        ("certificates:file", ("certificate",)),
        ("reports:certificate_pdf", ("entry",)),
        ("hr_reports:organisation", ()),
        ("certificates:queue", ()),
        ("imports:batch", ("completion_batch",)),
        ("exports:pack_pdf", ("pack",)),
    ],
}


@pytest.mark.parametrize("persona", PAGES)
def test_personal_pages_are_not_stored(world, persona):
    client = factories.sign_in(Client(), world["clients"][persona].user)
    for name, keys in PAGES[persona]:
        response = client.get(reverse(name, args=[world["args"][key] for key in keys]), follow=True)
        assert response.status_code == 200, name
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, name


def test_a_public_page_is_left_alone(world):
    response = Client().get(reverse("reports:verify", args=[world["args"]["code"]]))
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")
