"""The queue's box for a rejection's reason stops at 1,000 characters (1b9f749's maxlength), counting a line break as
one, as browsers do; a form sends each line break as two (CR LF, as HTML says a text box's value is submitted). So a
reason of several lines that the box let the officer type to the end was refused after the redirect, 'must be 1,000
characters or fewer', with what was typed lost. A line break now counts as one there too; the reason is kept as
sent."""

import pytest
from django.urls import reverse

from portal.compliance.models import Certificate
from portal.lib.forms import REASON_MAX_LENGTH
from tests import factories
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PDF, upload

staff, course, hr, other_client = (
    test_certificates.staff,
    test_certificates.course,
    test_certificates.hr,
    test_certificates.other_client,
)

# Ten lines, nine line breaks: 1,000 characters as the box counts them.
LINES = ["x" * 100] * 9 + ["x" * (REASON_MAX_LENGTH - 9 - 900)]


@pytest.fixture
def uploaded(person_client, course):
    assert upload(person_client, course, PDF).status_code == 302
    return Certificate.objects.get()


def test_a_reason_the_box_took_to_its_end_is_taken(other_client, hr, uploaded):
    typed = "\n".join(LINES)
    assert len(typed) == REASON_MAX_LENGTH  # what the box's maxlength counts
    factories.sign_in(other_client, hr)

    response = other_client.post(
        reverse("certificates:decide", args=[uploaded.pk]),
        {"decision": "reject", "reason": "\r\n".join(LINES)},  # what the browser sends
        follow=True,
    )

    assert "certificate rejected" in response.content.decode()
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.REJECTED
    assert uploaded.rejection_reason == "\r\n".join(LINES)


def test_one_character_more_is_still_refused(other_client, hr, uploaded):
    factories.sign_in(other_client, hr)

    response = other_client.post(
        reverse("certificates:decide", args=[uploaded.pk]),
        {"decision": "reject", "reason": "\r\n".join(LINES) + "x"},
        follow=True,
    )

    assert "must be 1,000 characters or fewer" in response.content.decode()
    uploaded.refresh_from_db()
    assert uploaded.status == Certificate.PENDING
