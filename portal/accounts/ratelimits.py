"""Sign-in limits that keep guessing out without handing anyone a way to lock a named person out.

allauth's own limit counts wrong passwords per account from everywhere together, so five wrong guesses typed by
anyone, anywhere, used to lock the real person out. Here wrong passwords are counted twice (settings:
ACCOUNT_RATE_LIMITS):

- per account *from one client address* (`login_failed_from_client`): the limit a guesser meets first, and one that
  never reaches the person at their own desk;
- per account from everywhere (allauth's `login_failed`, looser, per hour): stops guessing spread over many
  addresses. When it trips, the person is emailed, once an hour, with what is happening and what to do. Resetting
  the password (which proves they read their email) lifts it at once, and single sign-on never counts against it.

Second-step codes are counted per person by allauth (`login_failed` again); only someone who already typed the right
password reaches that step, so when it trips the person is told to change their password.
"""

import logging

from allauth.account.adapter import get_adapter
from allauth.core import context, ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

log = logging.getLogger(__name__)

FROM_CLIENT = "login_failed_from_client"
TOO_MANY = "too_many_login_attempts"
WARNING_INTERVAL = 60 * 60  # one warning email an hour per person, however long an attack goes on


def account_key(credentials: dict) -> str:
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def consume_from_client(request, credentials: dict):
    """Count one password attempt for this account from this client address: the count, to take back if the password
    was right (allauth's own `login_failed` works the same way), or None if this client is over the limit.

    The address is allauth's (behind ALLAUTH_TRUSTED_PROXY_COUNT; an IPv6 address stands for its /64, so a guesser
    cannot step through the addresses of one network).
    """
    return allauth_ratelimit.consume(
        request, app="allauth.account", action=FROM_CLIENT, key=f"{account_key(credentials)}|{get_ip(request)}"
    )


def lift_for(request, user) -> None:
    """Forget the wrong passwords from this client and the wrong codes counted against `user` (allauth forgets its
    per-account count of wrong passwords itself: AccountAdapter.set_password)."""
    ratelimit.clear(request, action=FROM_CLIENT, key=f"{account_key({'email': user.email})}|{get_ip(request)}")
    # allauth's key for wrong second-step codes (allauth.mfa.base.internal.flows.check_rate_limit).
    ratelimit.clear(request, action="login_failed", key=f"mfa-auth-user-{user.pk}")


def warn_account_holder(request, *, email: str = "", user=None, second_step: bool = False) -> None:
    """Email the person that someone is trying to get into their account (at most once an hour).

    The person is found by the address typed in (if it is an account at all: the page the guesser sees is the same
    either way). Nothing is sent to an address that is not a current account.
    """
    if user is None:
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.is_active or not user.email:
        return
    if not cache.add(f"portal:sign-in-warning:{user.pk}:{second_step}", True, WARNING_INTERVAL):
        return
    log.warning("Sign-in limit reached for %s (%s); warning them by email", user.email, get_ip(request))
    template = "account/email/sign_in_codes_refused" if second_step else "account/email/sign_in_attempts_refused"
    get_adapter(request).send_mail(
        template,
        user.email,
        {
            "user": user,
            "when": timezone.localtime(),
            "client_ip": get_ip(request),
            "reset_url": request.build_absolute_uri(reverse("account_reset_password")),
            "service_name": settings.PORTAL_SERVICE_NAME,
            "sso_name": next(
                (app.get("name") for app in settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]), ""
            ),
        },
    )


class AuthenticateForm(AllauthAuthenticateForm):
    """allauth's second-step form; when the per-person limit on wrong codes trips, the person hears about it."""

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code == TOO_MANY:
                warn_account_holder(context.request, user=self.user, second_step=True)
            raise
