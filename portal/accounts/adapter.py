import logging
import time
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.stagekit import clear_login
from allauth.core import context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.audit.services import client_address
from portal.lib.links import portal_url
from portal.lib.mail import reply_to

from . import leavers, ratelimits, sso

logger = logging.getLogger(__name__)

# allauth's notices to a person whose password was set, changed or reset (templates/account/email/), each with what
# it tells, for the log should it not be sent.
PASSWORD_NOTICES = {
    "account/email/password_set": "a password was set",
    "account/email/password_changed": "the password was changed",
    "account/email/password_reset": "the password was reset",
}
# allauth's notices of a second factor set up, removed or made anew (templates/mfa/email/): whoever knows the
# password of someone with no app yet could set up their own and act in the person's role, unseen but for this.
SECOND_FACTOR_NOTICES = {
    "mfa/email/totp_activated": "an authenticator app was set up",
    "mfa/email/totp_deactivated": "the authenticator app was removed",
    "mfa/email/recovery_codes_generated": "new recovery codes were made",
    # The portal's own: the service desk removed both for someone who lost them (`manage.py mfa_reset`).
    "mfa/email/second_factor_reset": "the authenticator app and recovery codes were removed by the service desk",
}
PORTAL_NOTICES = {**PASSWORD_NOTICES, **SECOND_FACTOR_NOTICES}


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by HR (roster import, demo loader), never by public sign-up.

    Wrong passwords are limited per account and client address first, then per account from everywhere (except on a
    browser the person has signed in on before), with an email to the person when that trips
    (portal.accounts.ratelimits). Someone whose leave date has passed is refused as a closed account is, at sign-in
    and at re-authentication (portal.accounts.leavers).
    """

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed attempts to sign in to this account. Wait a while and try again, or reset your password "
            "to sign in straight away."
        ),
        "left_organisation": leavers.MESSAGE,
        # allauth's own say what is wrong, not what to do (WCAG 3.3.3): "Incorrect password.", "Please type your
        # current password.", "The email address and/or password you specified are not correct."
        "email_password_mismatch": (
            "The email address or password is not right. Check both, or reset your password if you have forgotten it"
        ),
        "enter_current_password": "Your current password is not right. Enter the password you sign in with now",
        "incorrect_password": "That password is not right. Enter the password you sign in with",
    }

    def is_open_for_signup(self, request):
        return False

    def can_delete_email(self, email_address):
        return False  # the sign-in address belongs to the roster (portal.accounts.email_address)

    def pre_authenticate(self, request, **credentials):
        from_client = ratelimits.consume_from_client(request, credentials)
        if not from_client:
            raise self.validation_error(ratelimits.TOO_MANY)
        self._counted = [from_client]
        on_known_device = ratelimits.consume_on_known_device(request, credentials)
        if on_known_device:
            self._counted.append(on_known_device)
            return  # the person's own browser: guessing elsewhere does not lock them out here
        try:
            super().pre_authenticate(request, **credentials)  # allauth's per-account `login_failed`
        except ValidationError:
            ratelimits.warn_account_holder(request, email=ratelimits.account_key(credentials))
            raise

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            # A right password does not count as a failure; allauth takes back its own count the same way.
            for usage in self._counted:
                usage.rollback()
        return user

    def reauthenticate(self, user, password) -> bool:
        if not super().reauthenticate(user, password):
            return False
        if leavers.sign_in_refused(context.request, user, method="re-authentication"):
            raise self.validation_error("left_organisation")
        return True

    def pre_login(self, request, user, **kwargs):
        """Every sign-in through allauth comes here once the person is known, before a second factor is asked for."""
        response = super().pre_login(request, user, **kwargs)  # allauth's own refusal of a closed account
        if response is None and leavers.sign_in_refused(request, user, method=_sign_in_method(request, user)):
            clear_login(request)
            response = self.respond_user_inactive(request, user)
        return response

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Not straight after the person typed their password or a code: allauth counts only an explicit
        re-authentication, so an HR officer sent to set up an authenticator app just after signing in was asked for
        the password a second time. Within ACCOUNT_REAUTHENTICATION_TIMEOUT of a sign-in, that sign-in is enough."""
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not signed_in_moments_ago(self.request)

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        ratelimits.remember_device(request, response, user)
        return response

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails name the site they come from (`current_site`): the portal's service name and address,
        not the host a request came in on (Django's RequestSite, with no sites framework installed). allauth's own
        `send_mail` reads that host from the request being answered, and fails with none: a notice sent once the
        change is committed, or by a command (`manage.py mfa_reset`), has none."""
        site = SimpleNamespace(name=settings.PORTAL_SERVICE_NAME, domain=portal_url("").split("://", 1)[-1])
        context = {"request": self.request, "email": email, "current_site": site, **context}
        self.render_mail(template_prefix, email, context).send()

    def render_mail(self, template_prefix: str, email, context: dict, headers=None):
        """Every allauth email (password reset, the sign-in limit's warning, MFA notices) answered to PORTAL_REPLY_TO,
        as the portal's own emails are."""
        message = super().render_mail(template_prefix, email, context, headers=headers)
        message.reply_to = message.reply_to or reply_to()
        return message

    def send_notification_mail(self, template_prefix: str, user, context: dict | None = None, email=None) -> None:
        """The emails telling a person their password was set, changed or reset, or their authenticator app set up
        or removed, or new recovery codes made, in the portal's words, to their sign-in address (people from the
        roster may have no allauth EmailAddress row). allauth's other notices stay off (ACCOUNT_EMAIL_NOTIFICATIONS):
        the portal has no wording for them. Nothing goes to someone who has left or whose account is closed.

        Each is sent once the change is made: an email the mail server refuses is logged, and the person goes on to
        the page after the change (the recovery codes to write down, the page they were going to), not to the server
        error page with the change made all the same."""
        if template_prefix not in PORTAL_NOTICES:
            return super().send_notification_mail(template_prefix, user, context=context, email=email)
        try:
            self.notice_send(template_prefix, user, context=context, email=email)
        except OSError as error:  # smtplib's errors among them
            logger.error(
                "Could not email %s that %s (%s): %s",
                email or user.email,
                PORTAL_NOTICES[template_prefix],
                template_prefix,
                f"{error.__class__.__name__}: {error}",
            )
        return None

    def notice_send(self, template_prefix: str, user, *, context: dict | None = None, email=None) -> str:
        """Send one of PORTAL_NOTICES to `user` (see `send_notification_mail`). Returns why nothing was sent ("they
        have left the organisation"), or "" once it was; raises OSError if the mail server refuses it."""
        if not user.email:
            return "they have no email address"
        if not user.is_active:
            return "their account is closed"
        if leavers.left_by(leavers.leave_date_of(user)):
            return "they have left the organisation"
        if template_prefix == "account/email/password_reset" and getattr(user, "_portal_first_password", False):
            # A new starter taking up their invitation (its link is a reset link) is told nothing more: they chose
            # their first password a moment ago, from the email that asked them to. The audit line is still written.
            return "they chose their first password from their invitation"
        self.send_mail(
            template_prefix,
            email or user.email,
            {
                "user": user,
                "when": timezone.localtime(),
                "client_ip": client_address(self.request),
                "reset_url": portal_url(reverse("account_reset_password")),
                # With password sign-in off, the reset page sets only a superuser's password: the others are told
                # to change their single sign-on's (mfa/email/if_it_was_not_you.txt).
                "password_reset_works": sso.password_login_enabled() or user.is_superuser,
                "sso_name": sso.provider_name(),
                "service_name": settings.PORTAL_SERVICE_NAME,
                **(context or {}),
            },
        )
        return ""

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The reset link starts with PORTAL_BASE_URL, not the host the request came in on: a request sent with
        another Host header (any name ALLOWED_HOSTS lets in) would otherwise mail the person a link, with its key,
        to that host."""
        return portal_url(urlsplit(super().get_reset_password_from_key_url(key)).path)

    def set_password(self, user, password):
        # Someone who has never signed in and had no password yet is choosing their first (the invitation's link).
        user._portal_first_password = user.last_login is None and not user.has_usable_password()
        super().set_password(user, password)
        # A reset proves the person reads their email and a change proves they know the old password: lift the
        # limits an attacker may have run up on their account (the emails promise this), so the person can sign in
        # at once. allauth clears its own count only for the person's EmailAddress rows, which people from the
        # roster may not have.
        if context.request is not None:
            self._delete_login_attempts_cached_email(context.request, email=user.email)
            ratelimits.lift_for(context.request, user)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on lets in people already on the staff roster, and only them (see portal.accounts.sso).

    Nobody gets an account by signing in: a person is matched to their roster record by verified email the first
    time, then by the provider's `sub` for good; anyone else is refused before anything is written.
    """

    def is_open_for_signup(self, request, sociallogin):
        return False

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def get_provider(self, request, provider, client_id=None):
        return sso.with_nonce(super().get_provider(request, provider, client_id=client_id))

    def list_providers(self, request):
        return [sso.with_nonce(provider) for provider in super().list_providers(request)]

    def pre_social_login(self, request, sociallogin):
        sso.admit(request, sociallogin)  # raises ImmediateHttpResponse with a refusal page

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        sso.log_authentication_error(request, provider, error=error, exception=exception)


def _sign_in_method(request, user) -> str:
    """How the sign-in being made began, in the audit log's words (single sign-on's refusals say "single sign-on")."""
    records = get_authentication_records(request, user)
    method = records[-1].get("method", "") if records else ""
    return {"socialaccount": "single sign-on"}.get(method, method or "sign-in")


def signed_in_moments_ago(request) -> bool:
    """The person typed their password or a code from their app within the re-authentication timeout."""
    if request is None or not request.user.is_authenticated:
        return False
    typed = [
        record["at"]
        for record in get_authentication_records(request, request.user)
        if record.get("method") in {"password", "mfa"}
    ]
    return bool(typed) and time.time() - max(typed) < account_settings.REAUTHENTICATION_TIMEOUT
