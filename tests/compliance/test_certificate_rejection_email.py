"""HR's rejection of a certificate is emailed to the person, with HR's reason and where to upload another: the page
alone told them only if they came back to look. One email per rejection, none for a refused or rolled-back one, none
to a closed account. (A verification's email: test_certificate_verified_email.)"""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from portal.compliance.certificates import CertificateError, certificate_decide
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


def _decide(client, certificate, capture, **data):
    with capture(execute=True):
        return client.post(reverse("certificates:decide", args=[certificate.pk]), data)


def test_the_person_is_emailed_the_reason_and_where_to_upload_again(
    other_client, hr, staff, course, uploaded, django_capture_on_commit_callbacks
):
    factories.sign_in(other_client, hr)
    reason = "The certificate names someone else. Upload the one with your name on it."
    _decide(other_client, uploaded, django_capture_on_commit_callbacks, decision="reject", reason=reason)
    (message,) = mail.outbox
    assert message.to == [staff.work_email]
    assert message.subject == "Your certificate for Safeguarding Children Level 1 was not accepted"
    assert reason in message.body and "completed on 15 January 2026" in message.body
    assert f"/certificates/upload/?requirement={course.pk}" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body  # plain text, not HTML-escaped


def test_a_second_click_of_reject_sends_no_second_email(other_client, hr, uploaded, django_capture_on_commit_callbacks):
    factories.sign_in(other_client, hr)
    for _ in range(2):
        _decide(other_client, uploaded, django_capture_on_commit_callbacks, decision="reject", reason="Blurred")
    assert len(mail.outbox) == 1


def test_no_email_for_a_refused_rejection(other_client, hr, uploaded, django_capture_on_commit_callbacks):
    factories.sign_in(other_client, hr)
    _decide(other_client, uploaded, django_capture_on_commit_callbacks, decision="reject", reason=" ")
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING and mail.outbox == []


def test_a_rejection_rolled_back_tells_nobody(hr, uploaded, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        certificate_decide(certificate=uploaded, reviewer=hr, approve=False, reason="Blurred")
        raise RuntimeError("something after it failed")
    assert callbacks == [] and mail.outbox == []
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING


def test_a_closed_account_is_not_emailed(hr, staff, uploaded, django_capture_on_commit_callbacks):
    staff.user.is_active = False
    staff.user.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        certificate_decide(certificate=uploaded, reviewer=hr, approve=False, reason="Blurred")
    assert Certificate.objects.get().status == Certificate.REJECTED and mail.outbox == []


def test_a_mail_server_failure_leaves_the_rejection_standing(
    hr, uploaded, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr("portal.compliance.certificate_emails.email_send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_decide(certificate=uploaded, reviewer=hr, approve=False, reason="Blurred")
    assert Certificate.objects.get().status == Certificate.REJECTED
    assert "Could not email" in caplog.text
    with pytest.raises(CertificateError, match="already rejected"):
        certificate_decide(certificate=uploaded, reviewer=hr, approve=False, reason="Blurred")
