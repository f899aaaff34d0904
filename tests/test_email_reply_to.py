"""Every email the portal sends is answered to PORTAL_REPLY_TO when it is set (HR's training mailbox, say), not to the
sending address, often one nobody reads; with it unset, an email has no Reply-To and replies go to the sender. Only the
daily reminder run carried it before (tests/compliance/test_reminders_reply_to.py); a person answering their
certificate's verification, their invitation or a password reset wrote to nobody."""

import datetime

import pytest
from allauth.core import context
from django.utils import timezone

from modules.publishing import reattest_deadline_on_publish
from portal.accounts import ratelimits
from portal.compliance.certificates import certificate_decide, certificate_upload
from portal.compliance.models import PolicySnapshot
from portal.compliance.receipts import receipt_publish
from portal.compliance.services import evidence_void
from portal.people.emails import invitation_send, sign_in_email_changed_send
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_certificates import PDF

TRAINING_MAILBOX = "HR Training <hr.training@example.nhs.uk>"


@pytest.fixture
def staff(person):
    return factories.make_staff(user=person)


@pytest.fixture
def certificate(staff):
    hr = factories.make_user(first_name="Dev", last_name="Patel")
    hr.groups.add(hr_group())
    uploaded = certificate_upload(
        staff=staff,
        requirement=factories.make_requirement(name="Safeguarding Children Level 1"),
        data=PDF,
        filename="certificate.pdf",
        completed_on=datetime.date(2026, 1, 15),
        user=staff.user,
    )
    return uploaded, hr


def _certificate_rejected(request, committed):
    certificate, hr = request.getfixturevalue("certificate")
    with committed():
        certificate_decide(certificate=certificate, reviewer=hr, approve=False, reason="Blurred")


def _certificate_verified(request, committed):
    certificate, hr = request.getfixturevalue("certificate")
    with committed():
        certificate_decide(certificate=certificate, reviewer=hr, approve=True)


def _certificate_withdrawn(request, committed):
    certificate, hr = request.getfixturevalue("certificate")
    certificate = certificate_decide(certificate=certificate, reviewer=hr, approve=True)  # not committed: no email
    with committed():
        evidence_void(entry=certificate.evidence, reason="Verified in error", voided_by=hr)


def _receipt(request, committed):
    settings = request.getfixturevalue("settings")
    settings.PORTAL_RECEIPT_DIR = str(request.getfixturevalue("tmp_path") / "receipts")
    settings.PORTAL_RECEIPT_EMAIL = "ledger.receipts@example.nhs.uk"
    receipt_publish(occasion="daily")


def _invitation(request, committed):
    invitation_send(request.getfixturevalue("staff"))


def _sign_in_email_changed(request, committed):
    staff = request.getfixturevalue("staff")
    for address in ("p.shah@example.nhs.uk", staff.work_email):
        sign_in_email_changed_send(
            staff, old="p.shah@example.nhs.uk", new=staff.work_email, on=timezone.localdate(), to=address
        )


def _policy_late_for_its_editor(request, committed):
    policy = request.getfixturevalue("policy")
    editor = factories.make_user(email="erin.editor@example.nhs.uk")
    with committed():
        reattest_deadline_on_publish(page=policy, snapshot=PolicySnapshot.objects.get(page_id=policy.pk), user=editor)


def _password_reset(request, committed):
    person = request.getfixturevalue("person")
    request.getfixturevalue("client").post("/accounts/password/reset/", {"email": person.email})


def _sign_in_limit_warning(request, committed):
    person = request.getfixturevalue("person")
    sign_in = request.getfixturevalue("rf").post("/accounts/login/")
    sign_in.session = {}
    with context.request_context(sign_in):  # as allauth's middleware sets it for a real request
        ratelimits.warn_account_holder(sign_in, user=person)


SENDERS = [
    _certificate_rejected,
    _certificate_verified,
    _certificate_withdrawn,
    _receipt,
    _invitation,
    _sign_in_email_changed,
    _policy_late_for_its_editor,
    _password_reset,
    _sign_in_limit_warning,
]


def _sent(request, send, mailoutbox):
    capture = request.getfixturevalue("django_capture_on_commit_callbacks")
    send(request, lambda: capture(execute=True))
    assert mailoutbox, f"{send.__name__} sent nothing"
    return mailoutbox


@pytest.mark.parametrize("send", SENDERS, ids=lambda send: send.__name__.lstrip("_"))
def test_each_email_is_answered_to_the_reply_to_address(request, db, settings, mailoutbox, send):
    settings.PORTAL_REPLY_TO = TRAINING_MAILBOX
    sent = _sent(request, send, mailoutbox)
    assert [message.reply_to for message in sent] == [[TRAINING_MAILBOX]] * len(sent)
    assert all(message.message()["Reply-To"] == TRAINING_MAILBOX for message in sent)


@pytest.mark.parametrize("send", SENDERS, ids=lambda send: send.__name__.lstrip("_"))
def test_without_a_reply_to_address_an_email_has_none(request, db, settings, mailoutbox, send):
    settings.PORTAL_REPLY_TO = ""
    sent = _sent(request, send, mailoutbox)
    assert all(message.reply_to == [] and "Reply-To" not in message.message() for message in sent)
