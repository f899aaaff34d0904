# ruff: noqa: F811 (the fixtures imported from test_certificate_rejection_email)
"""HR verifies or rejects a certificate and the email telling the person cannot be sent (the mail server down). The
decision stands, as designed (it is the record; the person sees it, with any reason, on their certificates page),
and the page HR acted on now says, in words, that the person was not emailed. Before, the failure went to the log
only, and HR read just "Priya Shah's certificate verified." believing Priya had been told.

The email goes once the decision is committed (transaction.on_commit), which is while the page is answering: the
decision's transaction is the outermost. So these tests commit for real (transaction=True)."""

import pytest
from django.urls import reverse

from portal.compliance.models import Certificate
from tests import factories
from tests.compliance.test_certificate_rejection_email import course, hr, other_client, staff, uploaded  # noqa: F401
from tests.mail_down import DOWN

pytestmark = pytest.mark.django_db(transaction=True)


def _decide(other_client, hr, certificate, data):
    factories.sign_in(other_client, hr)
    return other_client.post(reverse("certificates:decide", args=[certificate.pk]), data, follow=True)


DECISIONS = [
    ({"decision": "approve"}, "verified", Certificate.APPROVED),
    ({"decision": "reject", "reason": "Blurred"}, "rejected", Certificate.REJECTED),
]


@pytest.mark.parametrize(("data", "verb", "status"), DECISIONS)
def test_hr_is_told_the_person_was_not_emailed_and_the_decision_stands(
    other_client, hr, staff, uploaded, settings, data, verb, status
):
    settings.EMAIL_BACKEND = DOWN
    response = _decide(other_client, hr, uploaded, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Priya Shah&#x27;s certificate {verb}." in page
    assert (
        f"Priya Shah could not be emailed that their certificate was {verb}: the email server did not take it. They "
        "can see it on their certificates page; tell them yourself if it cannot wait."
    ) in page, page
    assert Certificate.objects.get().status == status


@pytest.mark.parametrize(("data", "verb", "status"), DECISIONS)
def test_with_the_email_sent_hr_reads_only_the_decision(
    other_client, hr, staff, uploaded, mailoutbox, data, verb, status
):
    page = _decide(other_client, hr, uploaded, data).content.decode()
    assert f"Priya Shah&#x27;s certificate {verb}." in page
    assert "could not be emailed" not in page
    assert [message.to for message in mailoutbox] == [[staff.work_email]]
