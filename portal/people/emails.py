"""Emails to people on the roster."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template.loader import render_to_string
from django.urls import reverse

from portal.lib.links import portal_url
from portal.lib.mail import email_send

NO_ADDRESS = "has no work email address on record"


def work_email_problem(address: str) -> str:
    """What stops an email going to a person's work email `address`, said of the person ("has no work email address
    on record"), or "" when nothing does. An address the roster would refuse (`validate_email`, the rule of the
    field) is no address: Django's SMTP backend raises ValueError for many such (before the mail server sees the
    email) and a mail server refuses the rest. Pure."""
    if not address.strip():
        return NO_ADDRESS
    try:
        validate_email(address)
    except ValidationError:
        return f"has no valid work email address on record ({' '.join(address.split())} is not one)"
    return ""


def invitation_send(staff) -> None:
    """Invite a new person to set a password (the link is allauth's one-time password-reset link), or, with password
    sign-in turned off, to sign in with the organisation's account (a password they set would be refused)."""
    user = staff.user
    single_sign_on = _single_sign_on_name()
    link = ""
    if getattr(settings, "PORTAL_PASSWORD_LOGIN", True) or not single_sign_on:
        path = reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
        )
        link = portal_url(path)
    context = {
        "staff": staff,
        "link": link,
        "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)),
        "single_sign_on": single_sign_on,
        "sign_in": portal_url(reverse("account_login")),
        "organisation": settings.PORTAL_ORGANISATION_NAME,
    }
    email_send(
        subject=f"Set up your account for {settings.PORTAL_SERVICE_NAME}",
        body=render_to_string("email/people/invitation.txt", context),
        to=[staff.work_email],
    )


def _single_sign_on_name() -> str:
    """The name on the sign-in page's single sign-on button ("NHSmail"), or "" with single sign-on off."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return apps[0].get("name") or "single sign-on" if apps else ""


def sign_in_email_changed_send(staff, *, old: str, new: str, on, by=None, to: str) -> None:
    """Tell `to`, the old or the new address, that an HR import moved the account's sign-in email, and whom to tell if
    that is wrong (the HR officer who applied the file, when one did): the old holder learns their account has gone,
    the new one that it is now theirs. Each address is sent its own message, by its own call, so neither address is
    shown to a stranger's mail server twice and each arrives whatever happens to the other (the roster import keeps
    which of the two is still owed)."""
    context = {
        "staff": staff,
        "old": old,
        "new": new,
        "on": on,
        "by": by,
        "organisation": settings.PORTAL_ORGANISATION_NAME,
        "service": settings.PORTAL_SERVICE_NAME,
        "link": portal_url(reverse("account_login")),
    }
    email_send(
        subject=f"Your sign-in email for {settings.PORTAL_SERVICE_NAME} has changed",
        body=render_to_string("email/people/sign_in_email_changed.txt", {**context, "to": to}),
        to=[to],
    )
