"""Setting, changing or resetting a password is in the audit log, and its holder is emailed about it, saying what
happened, when, and what to do if it was not them (portal.accounts.receivers, AccountAdapter.send_notification_mail).
Nothing is mailed to someone who has left."""

import datetime
import time

import pytest
from allauth.account.adapter import get_adapter
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.core import context
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from portal.accounts.views_password import REAUTHENTICATED_AT
from portal.audit.models import AuditEvent
from portal.people.models import StaffMember
from tests import factories

NEW = "a brand new long passphrase 42"
BASE = "https://training.example.nhs.uk"


@pytest.fixture(autouse=True)
def _portal(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE
    settings.PORTAL_REPLY_TO = "training@example.nhs.uk"


def _person(email="pat.pw@example.nhs.uk"):
    user = factories.make_user(email=email, first_name="Pat")
    factories.make_staff(user=user)
    return user


def _lines_since(before):
    return list(AuditEvent.objects.order_by("pk")[before:])


def _only_notice(mailoutbox, user, what):
    (message,) = mailoutbox
    assert message.to == [user.email]
    assert message.subject == f"Your password for Staff training and attestation was {what}"
    assert message.reply_to == ["training@example.nhs.uk"]
    today = timezone.localdate()
    assert "Dear Pat," in message.body
    assert f"Your password for Staff training and attestation ({user.email}) was {what}" in message.body
    assert f"on {today:%-d %B %Y}" in message.body and "127.0.0.1" in message.body
    assert "If it was not you" in message.body and f"{BASE}/accounts/password/reset/" in message.body
    return message


def test_changing_a_password_is_audited_and_the_holder_told(db, mailoutbox):
    pat = _person()
    client = factories.sign_in(Client(), pat)
    before = AuditEvent.objects.count()
    response = client.post(
        "/accounts/password/change/", {"oldpassword": factories.PASSWORD, "password1": NEW, "password2": NEW}
    )
    assert response.status_code == 302
    [line] = _lines_since(before)
    assert (line.action, line.scope, line.actor) == (AuditEvent.ACCOUNT_CHANGED, f"{pat.email}: password changed", pat)
    assert line.detail == {"change": "password changed", "how": "typed the old password", "ip": "127.0.0.1"}
    _only_notice(mailoutbox, pat, "changed")


def test_setting_a_first_password_is_audited_and_the_holder_told(db, mailoutbox):
    sam = _person("sam.sso@example.nhs.uk")
    sam.set_unusable_password()
    sam.save()
    client = Client()
    client.force_login(sam)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "socialaccount", "at": time.time(), "provider": "nhsmail"}
    ]
    session["account_authentication_methods_user"] = str(sam.pk)
    session[REAUTHENTICATED_AT] = time.time()  # signed in again from the password page (views_password)
    session.save()
    before = AuditEvent.objects.count()
    assert client.post("/accounts/password/set/", {"password1": NEW, "password2": NEW}).status_code == 302
    [line] = _lines_since(before)
    assert (line.action, line.scope) == (AuditEvent.ACCOUNT_CHANGED, f"{sam.email}: password set")
    assert line.detail["how"] == "had none: signed in without one"
    _only_notice(mailoutbox, sam, "set")


def _reset_form(client, mailoutbox, user) -> str:
    client.post("/accounts/password/reset/", {"email": user.email})
    link = next(word for word in mailoutbox[-1].body.split() if "/accounts/password/reset/key/" in word)
    return client.get(link.removeprefix(BASE))["Location"]


def test_a_password_reset_is_audited_and_the_holder_told(db, mailoutbox):
    rae = _person("rae.reset@example.nhs.uk")
    client = Client()
    form = _reset_form(client, mailoutbox, rae)
    mailoutbox.clear()
    before = AuditEvent.objects.count()
    assert client.post(form, {"password1": NEW, "password2": NEW}).status_code == 302
    [line] = _lines_since(before)
    assert (line.action, line.scope, line.actor) == (AuditEvent.ACCOUNT_CHANGED, f"{rae.email}: password reset", rae)
    assert line.detail["how"] == "from a link emailed to the account"
    _only_notice(mailoutbox, rae, "reset")


def test_a_leaver_is_not_mailed_about_their_password(db, mailoutbox, rf):
    lee, cat = _person("lee.left@example.nhs.uk"), _person("cat.current@example.nhs.uk")
    StaffMember.objects.filter(user=lee).update(leave_date=timezone.localdate() - datetime.timedelta(days=1))
    request = rf.post("/accounts/password/change/")
    with context.request_context(request):
        for person in (lee, cat):
            person = get_user_model().objects.get(pk=person.pk)  # as a request reads the person
            get_adapter().send_notification_mail("account/email/password_changed", person)
    assert [message.to for message in mailoutbox] == [[cat.email]]


def test_other_notices_of_allauths_stay_off(db, mailoutbox):
    get_adapter().send_notification_mail("account/email/email_changed", _person())
    assert mailoutbox == []


def test_hrs_audit_log_names_a_password_line_as_such(db, mailoutbox):
    pat = _person()
    client = factories.sign_in(Client(), pat)
    client.post("/accounts/password/change/", {"oldpassword": factories.PASSWORD, "password1": NEW, "password2": NEW})
    line = AuditEvent.objects.get(action=AuditEvent.ACCOUNT_CHANGED)
    assert line.get_action_display() == "Changed an account's name or password"
