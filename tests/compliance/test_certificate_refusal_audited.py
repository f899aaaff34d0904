"""Someone asking for a certificate's file that is not theirs and not theirs to see (an outsider, a line manager: the
file is the person's and HR's only) is refused, and the audit log's line says whose certificate it was: before, the
refused-pages line gave only the address, so who was being looked into could not be searched for. One line a
refusal; the person and HR opening it are not refusals."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance.models import Certificate
from portal.people.models import TeamManager
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr = test_certificates.staff, test_certificates.course, test_certificates.hr


@pytest.fixture
def certificate(person_client, course):
    upload(person_client, course, PDF)
    return Certificate.objects.select_related("staff").get()


def _refusals():
    return list(AuditEvent.objects.filter(action=AuditEvent.REFUSED).values("actor_name", "scope", "detail"))


def test_an_outsider_is_refused_and_the_line_names_whose_certificate(certificate, someone_else):
    outsider = factories.sign_in(Client(), someone_else)

    assert outsider.get(reverse("certificates:file", args=[certificate.pk])).status_code == 404

    [line] = _refusals()
    assert line["actor_name"] == someone_else.display_name
    assert line["scope"] == f"Priya Shah: uploaded certificate {certificate.pk}"
    assert line["detail"]["staff_id"] == certificate.staff_id
    assert line["detail"]["certificate_id"] == certificate.pk


def test_a_line_manager_of_another_team_is_refused_and_audited(certificate, someone_else):
    TeamManager.objects.create(
        staff=factories.make_staff(user=someone_else),
        team=factories.make_team("Another ward"),
        started_on=datetime.date(2024, 1, 1),
    )
    manager = factories.sign_in(Client(), someone_else)

    assert manager.get(reverse("certificates:file", args=[certificate.pk])).status_code == 404

    [line] = _refusals()
    assert line["detail"]["staff_id"] == certificate.staff_id


def test_the_person_and_hr_are_not_logged_as_refused(certificate, person_client, hr):
    url = reverse("certificates:file", args=[certificate.pk])
    assert person_client.get(url).status_code == 200
    assert factories.sign_in(Client(), hr).get(url).status_code == 200
    assert _refusals() == []


def test_a_certificate_that_does_not_exist_is_still_audited_as_a_refused_address(certificate, someone_else):
    outsider = factories.sign_in(Client(), someone_else)
    url = reverse("certificates:file", args=[certificate.pk + 1000])

    assert outsider.get(url).status_code == 404

    [line] = _refusals()
    assert line["scope"] == url and "staff_id" not in line["detail"]
