# ruff: noqa: F811 (the fixtures imported from test_certificate_void)
"""HR voids a verified certificate's entry on the corrections page, which withdraws the verification and emails the
person, and that email cannot be sent (the mail server down). The withdrawal stands, as a decision on a certificate
does (the person sees it, with HR's reason, on their certificates page), and the page now says, in words, that the
person was not emailed, as the certificate pages say it (afad308). Before, the failure went to the log only, and HR
read just "Entry voided." believing the person had been told.

The email goes once the correction is committed (transaction.on_commit), while the page is answering: the
correction's transaction is the outermost. So these tests commit for real (transaction=True)."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from portal.compliance.models import Certificate
from tests.compliance.test_certificate_void import (  # noqa: F401
    REASON,
    course,
    hr,
    hr_browser,
    other_client,
    staff,
    verified,
)
from tests.mail_down import DOWN

pytestmark = pytest.mark.django_db(transaction=True)


def _void(hr_browser, certificate):
    url = reverse("corrections:void", args=[certificate.evidence.pk])
    return hr_browser.post(url, {"reason": REASON}, follow=True).content.decode()


def _not_emailed(staff) -> str:
    return escape(
        f"{staff.full_name} could not be emailed that the verification of their certificate was withdrawn: the email "
        "server did not take it. They can see it, with your reason, on their certificates page; tell them yourself "
        "if it cannot wait."
    )


def test_hr_is_told_the_person_was_not_emailed_and_the_withdrawal_stands(hr_browser, staff, verified, settings):
    settings.EMAIL_BACKEND = DOWN
    page = _void(hr_browser, verified)
    assert escape(f"Entry voided. {staff.full_name}'s status has been updated.") in page
    assert _not_emailed(staff) in page, page
    # In a banner of its own headed "Important" (a warning), not a second "Success".
    banner = re.search(
        r'id="message-\d+-title">(\w+)</h2>\s*</div>\s*<div class="nhsuk-notification-banner__content">\s*'
        r'<p class="nhsuk-notification-banner__heading">' + re.escape(_not_emailed(staff)),
        page,
    )
    assert banner is not None and banner.group(1) == "Important"
    verified.refresh_from_db()
    assert verified.status == Certificate.WITHDRAWN and verified.withdrawn_reason == REASON


def test_with_the_email_sent_hr_reads_only_that_the_entry_was_voided(hr_browser, staff, verified, mailoutbox):
    mailoutbox.clear()  # the verification's own email
    page = _void(hr_browser, verified)
    assert escape(f"Entry voided. {staff.full_name}'s status has been updated.") in page
    assert "could not be emailed" not in page
    assert [message.to for message in mailoutbox] == [[staff.work_email]]
    assert "withdrawn the verification" in mailoutbox[0].subject
