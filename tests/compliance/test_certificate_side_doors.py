"""The other ways to a certificate, tested like the front door (invariant 11): the person's own line manager sees
the certificate's course, date and state on their team page but never the file; no Wagtail snippet or viewset, no
Django admin and no API operation reaches certificates; and the file view serves the type the file's bytes are (the
bytes it has just checked against the recorded SHA-256), not the row's content_type, which anyone who can write the
table could have set to text/html."""

import datetime

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from wagtail.admin.viewsets import viewsets
from wagtail.snippets.models import get_snippet_models

from portal.api.api import api
from portal.compliance.models import Certificate
from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from tests import factories
from tests.compliance.test_certificates import PDF, PNG, upload


@pytest.fixture
def team(db):
    return factories.make_team("Safeguarding Team")


@pytest.fixture
def course(person, team):
    staff = factories.make_staff(user=person, team=team)
    requirement = factories.make_requirement(name="Safeguarding Children Level 1", renewal_months=36)
    refresh(staff_ids=[staff.pk])
    return requirement


@pytest.fixture
def uploaded(person_client, course):
    assert upload(person_client, course, PDF).status_code == 302
    return Certificate.objects.get()


@pytest.fixture
def line_manager(team):
    user = factories.make_user(first_name="Mo", last_name="Manager")
    TeamManager.objects.create(staff=factories.make_staff(user=user), team=team, started_on=datetime.date(2024, 1, 1))
    return factories.sign_in(Client(), user)


def test_the_persons_own_line_manager_sees_the_state_but_never_the_file(line_manager, uploaded):
    file_url = reverse("certificates:file", args=[uploaded.pk])
    page = line_manager.get(reverse("reports:team_person", args=[uploaded.staff_id])).content.decode()
    assert "Safeguarding Children Level 1, completed 15 Jan 2026" in page and "Waiting for HR" in page
    assert file_url not in page
    assert line_manager.get(file_url).status_code == 404
    assert line_manager.get(reverse("certificates:queue")).status_code == 403
    decide = line_manager.post(reverse("certificates:decide", args=[uploaded.pk]), {"decision": "approve"})
    assert decide.status_code == 403
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING


def test_no_cms_admin_or_api_door_reaches_certificates(client):
    client.get("/cms/")  # the Wagtail admin's URLs, and with them its viewsets, are loaded
    assert Certificate not in get_snippet_models() and get_snippet_models()
    models = [getattr(viewset, "model", None) for viewset in viewsets.viewsets]
    assert models and Certificate not in models
    assert not apps.is_installed("django.contrib.admin")
    paths = api.get_openapi_schema()["paths"]
    assert paths and not [path for path in paths if "certif" in path.lower()]


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [(PDF, "application/pdf", "pdf"), (PNG, "image/png", "png")],
    ids=["pdf", "png"],
)
def test_the_file_is_served_as_what_its_bytes_are_whatever_the_row_says(
    person_client, course, data, content_type, extension
):
    upload(person_client, course, data)
    certificate = Certificate.objects.get()
    Certificate.objects.filter(pk=certificate.pk).update(content_type="text/html")
    response = person_client.get(reverse("certificates:file", args=[certificate.pk]))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{certificate.pk}.{extension}"'
    assert response["X-Content-Type-Options"] == "nosniff"
