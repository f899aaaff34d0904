"""The HR queue does not offer an HR officer Verify and Reject on their own certificate (the service refuses it): the
row says another HR officer must check it. Other people's certificates keep their buttons; the page's queries do not
grow."""

import secrets

import pytest
from django.urls import reverse

from portal.compliance.models import Certificate
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)


@pytest.fixture
def hr_with_a_certificate(other_client, hr, course):
    """HR's own staff record, and a certificate they uploaded for the course."""
    refresh(staff_ids=[factories.make_staff(user=hr).pk])  # the course applies to everyone: HR too
    factories.sign_in(other_client, hr)
    assert upload(other_client, course, PDF + secrets.token_hex(8).encode()).status_code == 302
    return Certificate.objects.get(staff__user=hr)


def test_hr_sees_no_buttons_on_their_own_certificate(
    other_client, person_client, course, hr_with_a_certificate, django_assert_num_queries
):
    upload(person_client, course, PDF + secrets.token_hex(8).encode(), completed="2026-01-16")
    theirs = Certificate.objects.get(staff__user__first_name="Priya")
    with django_assert_num_queries(4):  # as test_certificates pins it: nothing more for the own certificate
        response = other_client.get(reverse("certificates:queue"))
    html = response.content.decode()
    own = reverse("certificates:decide", args=[hr_with_a_certificate.pk])
    assert own not in html and html.count("Another HR officer must check this certificate") == 1
    assert html.count(reverse("certificates:decide", args=[theirs.pk])) == 2  # verify and reject
    assert reverse("certificates:file", args=[hr_with_a_certificate.pk]) in html  # still listed, and openable


def test_another_hr_officer_still_gets_the_buttons(client, course, hr_with_a_certificate):
    colleague = factories.with_mfa(factories.make_user(first_name="Ann", last_name="Other"))
    colleague.groups.add(hr_group())
    factories.sign_in(client, colleague)
    html = client.get(reverse("certificates:queue")).content.decode()
    assert html.count(reverse("certificates:decide", args=[hr_with_a_certificate.pk])) == 2
    assert "Another HR officer must check this certificate" not in html
