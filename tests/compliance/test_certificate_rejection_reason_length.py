"""A certificate's rejection reason is kept on the record, shown to the person and emailed to them: it is refused
past 1,000 characters, as every other reason HR gives is (`lib.forms.REASON_MAX_LENGTH`), with the limit named and
nothing changed. Before, any length went in (a page pasted whole, or a request built by hand, up to the 2.5 MB body
limit), stored, shown and emailed."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.compliance.models import Certificate
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
def uploaded(person_client, course):
    assert upload(person_client, course, PDF).status_code == 302
    return Certificate.objects.get()


def _reject(client, certificate, capture, reason):
    with capture(execute=True):
        return client.post(
            reverse("certificates:decide", args=[certificate.pk]), {"decision": "reject", "reason": reason}, follow=True
        )


def test_a_reason_past_the_limit_is_refused_naming_it(other_client, hr, uploaded, django_capture_on_commit_callbacks):
    factories.sign_in(other_client, hr)

    shown = _reject(other_client, uploaded, django_capture_on_commit_callbacks, "Blurred. " * 200).content.decode()

    assert "The reason for rejecting the certificate must be 1,000 characters or fewer" in shown
    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.rejection_reason, mail.outbox) == (Certificate.PENDING, "", [])


def test_a_reason_at_the_limit_is_taken(other_client, hr, uploaded, django_capture_on_commit_callbacks):
    factories.sign_in(other_client, hr)
    reason = ("Blurred. " * 112)[:1000]

    _reject(other_client, uploaded, django_capture_on_commit_callbacks, reason)

    uploaded.refresh_from_db()
    assert (uploaded.status, uploaded.rejection_reason) == (Certificate.REJECTED, reason.strip())
    assert len(mail.outbox) == 1
