"""Each window title names the page, the service and the organisation once each: "Page – Service – Organisation",
or "Service – Organisation" on the home page, which is the service's front page."""

import re

from django.template import Context, Template
from django.urls import reverse

from tests import factories

SERVICE, ORGANISATION = "Staff training and attestation", "NHS Warrington CCG"


def title_of(response) -> str:
    assert response.status_code == 200
    return re.search(r"<title>(.*?)</title>", response.content.decode(), flags=re.S).group(1)


def test_the_home_page_is_titled_for_the_service_once(client, person, home_page, settings):
    settings.PORTAL_ORGANISATION_NAME = ORGANISATION
    factories.sign_in(client, person)
    assert title_of(client.get("/")) == f"{SERVICE} – {ORGANISATION}"
    home_page.title = SERVICE  # as the demo names it
    home_page.save_revision().publish()
    assert title_of(client.get("/")) == f"{SERVICE} – {ORGANISATION}"


def test_a_page_is_titled_page_then_service_then_organisation(client, person, policy, settings):
    settings.PORTAL_ORGANISATION_NAME = ORGANISATION
    factories.make_staff(user=person)
    factories.sign_in(client, person)
    assert title_of(client.get(policy.url)) == f"{policy.title} – {SERVICE} – {ORGANISATION}"
    assert title_of(client.get(reverse("reports:my_training"))) == f"My training – {SERVICE} – {ORGANISATION}"


def test_a_page_without_a_title_of_its_own_starts_with_the_service():
    html = Template(
        "{% load page_titles %}{% filter with_service_name:service %}{% block title %}{% endblock %}{% endfilter %}"
    ).render(Context({"service": SERVICE}))
    assert html == SERVICE


def test_a_title_is_escaped_once():
    html = Template("{% load page_titles %}{% filter with_service_name:service %}{{ t }}{% endfilter %}").render(
        Context({"service": "A & B", "t": "Terms & <conditions>"})
    )
    assert html == "Terms &amp; &lt;conditions&gt; – A &amp; B"
