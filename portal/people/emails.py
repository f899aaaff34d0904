"""Emails to people on the roster."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def invitation_send(staff) -> None:
    """Invite a new person to set a password (the link is allauth's one-time password-reset link)."""
    user = staff.user
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    context = {
        "staff": staff,
        "link": f"{settings.WAGTAILADMIN_BASE_URL}{path}",
        "organisation": settings.PORTAL_ORGANISATION_NAME,
    }
    send_mail(
        subject=f"Set up your account for {settings.PORTAL_SERVICE_NAME}",
        message=render_to_string("email/people/invitation.txt", context),
        from_email=None,
        recipient_list=[staff.work_email],
    )
