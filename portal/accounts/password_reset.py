"""A password reset is not a way back in for someone who has left, or whose account is closed.

allauth mails a reset link to any active account, and its link sets the password of whichever account it names,
active or not. Between a leave date passing and the daily run closing the account (up to a day, longer if a run is
missed) a leaver could still be mailed a link; and a link mailed before an account was closed still set its password
afterwards. A password would not let them sign in (`leavers`), but it is a door that should stay shut, and the account
may be reopened by a roster one day with the password the leaver chose.

So no link is mailed to a leaver or a closed account (the page says the same whatever the address: it must not tell
anyone who has an account or who has left), and a link, opened or not, stops working when its account closes or its
holder's leave date passes: the form shows allauth's "This link has expired or been used".
"""

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import UserTokenForm as AllauthUserTokenForm
from django.core.exceptions import ValidationError

from .leavers import leave_date_of, left_by
from .sso import password_login_enabled


def may_reset(user) -> bool:
    return user.is_active and not left_by(leave_date_of(user))


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's "forgotten my password" form, mailing only people still here."""

    def clean_email(self) -> str:
        email = super().clean_email()
        self.users = [user for user in self.users if may_reset(user)]
        return email


class UserTokenForm(AllauthUserTokenForm):
    """allauth's check of a reset link's key, checked on each step (opening the link, and saving the password)."""

    def clean(self):
        cleaned_data = super().clean()
        if not may_reset(self.reset_user):
            self.reset_user = None
            raise get_adapter().validation_error("invalid_password_reset")
        return cleaned_data


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    """allauth's form that sets the new password from a link. With password sign-in turned off only a superuser's
    password lets them in (portal.accounts.sso), so anyone else holding a link (an invitation sent before passwords were
    turned off, say) is sent to single sign-on by the page, and a password sent anyway is refused, not set."""

    refused_message = (
        "Password sign-in is turned off, so a password would not let you in: sign in with your organisation's account "
        "instead. No password was set."
    )

    @property
    def password_sign_in(self) -> bool:
        return password_login_enabled() or bool(self.user is not None and self.user.is_superuser)

    def clean(self):
        if not self.password_sign_in:
            raise ValidationError(self.refused_message, code="password_login_off")
        return super().clean()
