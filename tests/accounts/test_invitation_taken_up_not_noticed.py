"""A new starter who sets their first password from their invitation (a password-reset link) is not then emailed
"your password was reset": they chose it a moment ago, from the email that asked them to, and a notice saying it was
reset would read as someone else's doing. The audit line is still written. Anyone who had a password, or has signed in
before (a person who signs in only by single sign-on), is still told of a reset."""

import pytest
from django.test import Client
from django.utils import timezone

from portal.audit.models import AuditEvent
from tests import factories

NEW = "a brand new long passphrase 42"


def _reset(client, mailoutbox, user) -> int:
    """Follow the emailed reset link and choose NEW; the number of emails sent after the link."""
    client.post("/accounts/password/reset/", {"email": user.email})
    link = next(word for word in mailoutbox[-1].body.split() if "/accounts/password/reset/key/" in word)
    form = client.get("/" + link.split("://", 1)[1].split("/", 1)[1])["Location"]
    mailoutbox.clear()
    assert client.post(form, {"password1": NEW, "password2": NEW}).status_code == 302
    return len(mailoutbox)


def _person(email, *, usable=True, signed_in=False):
    user = factories.make_user(email=email, first_name="Ann")
    if not usable:
        user.set_unusable_password()
    if signed_in:
        user.last_login = timezone.now()
    user.save()
    factories.make_staff(user=user)
    return user


@pytest.mark.django_db
def test_a_new_starter_choosing_their_first_password_is_not_told_it_was_reset(mailoutbox):
    ann = _person("ann.new@example.nhs.uk", usable=False)
    before = AuditEvent.objects.count()
    assert _reset(Client(), mailoutbox, ann) == 0
    ann.refresh_from_db()
    assert ann.check_password(NEW)
    [line] = AuditEvent.objects.order_by("pk")[before:]
    assert (line.action, line.scope) == (AuditEvent.ACCOUNT_CHANGED, f"{ann.email}: password reset")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("usable", "signed_in"), [(True, False), (True, True), (False, True)], ids=["had one", "signed in", "sso only"]
)
def test_anyone_else_is_told_of_a_reset(mailoutbox, usable, signed_in):
    ann = _person("ann.old@example.nhs.uk", usable=usable, signed_in=signed_in)
    assert _reset(Client(), mailoutbox, ann) == 1
    assert mailoutbox[0].to == [ann.email] and "reset" in mailoutbox[0].subject
