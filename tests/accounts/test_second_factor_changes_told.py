"""Setting up an authenticator app, turning it off, and making new recovery codes are emailed to the person, in the
portal's words: what changed, when, from which address, and what to do if it was not them (AccountAdapter.
send_notification_mail, templates/mfa/email/). Before, they were audited and nobody was told: whoever knew the
password of an HR officer with no app yet could set up their own and act in the role, unseen by the officer.
Nothing is mailed to someone who has left or whose account is closed."""

import datetime

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.people.roles import hr_group
from tests import factories

BASE = "https://training.example.nhs.uk"
SERVICE = "Staff training and attestation"


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    settings.PORTAL_REPLY_TO = "training@example.nhs.uk"


@pytest.fixture
def hana(db):
    user = factories.make_user(email="hana.hr@example.nhs.uk", first_name="Hana")
    factories.make_staff(user=user)
    user.groups.add(hr_group())
    return user


def _only_notice(mailoutbox, user, subject: str, said: str):
    (message,) = mailoutbox
    assert message.to == [user.email]
    assert message.subject == subject
    assert message.reply_to == ["training@example.nhs.uk"]
    assert "Dear Hana," in message.body
    assert said in message.body
    assert f"on {timezone.localdate():%-d %B %Y}" in message.body and "from the address 127.0.0.1" in message.body
    assert "If it was not you" in message.body and "IT service desk" in message.body
    assert f"{BASE}/accounts/password/reset/" in message.body
    return message


@pytest.mark.django_db(transaction=True)  # allauth announces a new app once it is committed, as in production
def test_setting_up_an_app_is_emailed(client, hana, mailoutbox):
    factories.sign_in(client, hana)
    client.get("/accounts/2fa/totp/activate/")
    code = factories.totp_code(client.session[SECRET_SESSION_KEY])
    assert client.post("/accounts/2fa/totp/activate/", {"code": code}).status_code == 302
    message = _only_notice(
        mailoutbox,
        hana,
        f"An authenticator app was set up for {SERVICE}",
        f"An authenticator app was set up for your account on {SERVICE} ({hana.email})",
    )
    # the recovery codes made with it are the same change: one email, not two
    assert "recovery codes" in message.body


def test_turning_the_app_off_is_emailed(client, hana, mailoutbox, django_capture_on_commit_callbacks):
    factories.with_mfa(hana)
    factories.sign_in(client, hana)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    _only_notice(
        mailoutbox,
        hana,
        f"The authenticator app for {SERVICE} was removed",
        f"The authenticator app for your account on {SERVICE} ({hana.email}) was removed",
    )


def test_new_recovery_codes_are_emailed(client, hana, mailoutbox, django_capture_on_commit_callbacks):
    factories.with_mfa(hana)
    factories.sign_in(client, hana)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    message = _only_notice(
        mailoutbox,
        hana,
        f"New recovery codes were made for {SERVICE}",
        f"New recovery codes were made for your account on {SERVICE} ({hana.email})",
    )
    assert "Any earlier ones no longer work" in message.body


@pytest.mark.parametrize(
    "template", ["mfa/email/totp_activated", "mfa/email/totp_deactivated", "mfa/email/recovery_codes_generated"]
)
def test_a_leaver_or_a_closed_account_is_not_told(db, hana, mailoutbox, rf, template):
    lee, cat = factories.make_user(email="lee.left@example.nhs.uk"), factories.make_user(email="cy.closed@nhs.uk")
    factories.make_staff(user=lee, leave_date=timezone.localdate() - datetime.timedelta(days=1))
    get_user_model().objects.filter(pk=cat.pk).update(is_active=False)
    with context.request_context(rf.post("/accounts/2fa/")):
        for person in (lee, cat, hana):
            get_adapter().send_notification_mail(template, get_user_model().objects.get(pk=person.pk))
    assert [message.to for message in mailoutbox] == [[hana.email]]
