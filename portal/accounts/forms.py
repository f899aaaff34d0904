"""allauth's sign-in forms in the portal's words: each box left empty says what to put in it (NamedRequiredMessages),
as every other form in the portal does. Wired through ACCOUNT_FORMS and MFA_FORMS; what each form checks is its own
module's (sso, password_reset, ratelimits) or allauth's."""

from allauth.account import forms as account_forms
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms

from portal.lib.forms import NamedRequiredMessages

from . import password_reset, ratelimits, sso

EMAIL = "Enter your email address"
PASSWORD = "Enter your password"  # noqa: S105 (the message asking for one, not a password)
NEW_PASSWORDS = {"password1": "Enter a new password", "password2": "Enter the new password again"}
CODE = "Enter the 6-digit code from your authenticator app, or one of your recovery codes"
SETUP_WRONG_CODE = "That code is not right. Enter the 6-digit code your authenticator app shows now"


class LoginForm(NamedRequiredMessages, sso.LoginForm):
    required_messages = {"login": EMAIL, "password": PASSWORD}


class ResetPasswordForm(NamedRequiredMessages, password_reset.ResetPasswordForm):
    required_messages = {"email": EMAIL}


class ResetPasswordKeyForm(NamedRequiredMessages, password_reset.ResetPasswordKeyForm):
    required_messages = NEW_PASSWORDS


class ChangePasswordForm(NamedRequiredMessages, ratelimits.ChangePasswordForm):
    required_messages = {"oldpassword": "Enter your current password", **NEW_PASSWORDS}


class SetPasswordForm(NamedRequiredMessages, account_forms.SetPasswordForm):
    required_messages = NEW_PASSWORDS


class ReauthenticateForm(NamedRequiredMessages, account_forms.ReauthenticateForm):
    """ "Confirm it is you" with the password."""

    required_messages = {"password": PASSWORD}


class AuthenticateForm(NamedRequiredMessages, ratelimits.AuthenticateForm):
    """The code step at sign-in."""

    required_messages = {"code": CODE}


class CodeReauthenticateForm(NamedRequiredMessages, ratelimits.ReauthenticateForm):
    """ "Confirm it is you" with a code."""

    required_messages = {"code": CODE}


class ActivateTOTPForm(NamedRequiredMessages, AllauthActivateTOTPForm):
    """Setting up an app: only a code from the app proves it was set up (recovery codes are made after)."""

    required_messages = {"code": "Enter the 6-digit code from your authenticator app"}

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            if error.code != "incorrect_code":
                raise
            raise forms.ValidationError(SETUP_WRONG_CODE, code=error.code) from error
