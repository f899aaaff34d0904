"""The HR queue does not offer an HR officer Verify and Reject on their own certificate (the service refuses it): the
row says another HR officer must check it, and, to the only member of HR who can sign in, the way out. Other people's
certificates keep their buttons; the page's queries do not grow with the rows (one more when their own is listed)."""

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


def _colleague_in_hr():
    colleague = factories.with_mfa(factories.make_user(first_name="Ann", last_name="Other"))
    colleague.groups.add(hr_group())
    return colleague


def test_hr_sees_no_buttons_on_their_own_certificate(
    other_client, person_client, course, hr_with_a_certificate, django_assert_num_queries
):
    _colleague_in_hr()
    upload(person_client, course, PDF + secrets.token_hex(8).encode(), completed="2026-01-16")
    theirs = Certificate.objects.get(staff__user__first_name="Priya")
    # test_certificates pins 4; their own certificate listed, one more: whether a colleague in HR can sign in
    with django_assert_num_queries(5):
        response = other_client.get(reverse("certificates:queue"))
    html = response.content.decode()
    own = reverse("certificates:decide", args=[hr_with_a_certificate.pk])
    assert own not in html and html.count("Another HR officer must check this certificate") == 1
    assert html.count(reverse("certificates:decide", args=[theirs.pk])) == 2  # verify and reject
    assert reverse("certificates:file", args=[hr_with_a_certificate.pk]) in html  # still listed, and openable
    assert "only member of HR" not in html


def test_the_only_hr_officer_is_told_their_own_certificate_waits_and_the_way_out(
    other_client, hr_with_a_certificate, django_assert_num_queries
):
    """With no colleague in HR who can sign in, "another HR officer" does not exist yet: the row says the way out, as
    Verify would (test_certificate_own_sole_hr.py). One query more, only when their own certificate is listed."""
    with django_assert_num_queries(5):
        html = other_client.get(reverse("certificates:queue")).content.decode()
    assert (
        "Another HR officer must check this certificate. You are the only member of HR who can sign in, so it waits "
        "until someone else can: give a colleague the HR role on the HR roles page and ask them to check it."
    ) in html
    assert reverse("certificates:decide", args=[hr_with_a_certificate.pk]) not in html


def test_another_hr_officer_still_gets_the_buttons(client, course, hr_with_a_certificate):
    colleague = factories.with_mfa(factories.make_user(first_name="Ann", last_name="Other"))
    colleague.groups.add(hr_group())
    factories.sign_in(client, colleague)
    html = client.get(reverse("certificates:queue")).content.decode()
    assert html.count(reverse("certificates:decide", args=[hr_with_a_certificate.pk])) == 2
    assert "Another HR officer must check this certificate" not in html
