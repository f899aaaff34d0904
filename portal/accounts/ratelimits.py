"""Sign-in limits that keep guessing out without handing anyone a way to lock a named person out.

allauth's own limit counts wrong passwords per account from everywhere together, so five wrong guesses typed by
anyone, anywhere, used to lock the real person out. Here wrong passwords are counted twice (settings:
ACCOUNT_RATE_LIMITS):

- per account *from one client address* (`login_failed_from_client`): the limit a guesser meets first, and one that
  never reaches the person at their own desk;
- per account from everywhere (allauth's `login_failed`, looser, per hour): stops guessing spread over many
  addresses. When it trips, the person is emailed, once an hour, with what is happening and what to do. Resetting
  the password (which proves they read their email) lifts it at once, and single sign-on never counts against it.

A browser the person has signed in on before (it holds a signed "known device" cookie naming them) is spared the
per-account limit, so guessing elsewhere never locks them out at their own desk; its own wrong passwords are counted
per cookie (`login_failed_known_device`), so a stolen cookie buys a guesser a few more tries an hour, no more.

Second-step codes are counted per person by allauth (`login_failed` again); only someone who already typed the right
password reaches that step, so when it trips the person is told to change their password. A new password lifts that
pause once a day at most (`lift_for`): a reset proves the mailbox, not the authenticator.
"""

import datetime
import hashlib
import logging
import secrets

from allauth.account.adapter import get_adapter
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.core import context, ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthReauthenticateForm
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from portal.lib.links import portal_url

from . import leavers, sso

log = logging.getLogger(__name__)

FROM_CLIENT = "login_failed_from_client"
KNOWN_DEVICE = "login_failed_known_device"
KNOWN_DEVICE_COOKIE = "portal_known_device"
KNOWN_DEVICE_DAYS = 90
KNOWN_DEVICE_ACCOUNTS = 20  # a shared ward or office computer remembers the last twenty people who signed in on it
TOO_MANY = "too_many_login_attempts"
WARNING_INTERVAL = 60 * 60  # one warning email an hour per person, however long an attack goes on
CODE_PAUSE_LIFTED_EVERY = 24 * 60 * 60  # a new password lifts the pause on wrong codes once a day at most


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


def consume_on_known_device(request, credentials: dict):
    """Count one password attempt on a browser this person has signed in on before: the count, or None if this is not
    such a browser (or its cookie has used up its own limit), when the per-account limit applies as to anyone."""
    device = _known_device(request)
    login = account_key(credentials)
    if not login or _account_tag(login) not in device.get("accounts", []):
        return None
    if not allauth_ratelimit.get_rates(app="allauth.account", action=KNOWN_DEVICE):
        return None  # unlimited is no way to treat a cookie that may have been stolen: the account's limit applies
    return allauth_ratelimit.consume(request, app="allauth.account", action=KNOWN_DEVICE, key=f"{device['id']}|{login}")


def remember_device(request, response, user) -> None:
    """Mark this browser as one `user` signed in on (called once a sign-in is complete, second factor included)."""
    device = _known_device(request)
    tag = _account_tag(user.email)
    others = [known for known in device.get("accounts", []) if known != tag]
    value = {"id": device.get("id") or secrets.token_urlsafe(16), "accounts": [tag, *others][:KNOWN_DEVICE_ACCOUNTS]}
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(value, salt=KNOWN_DEVICE_COOKIE),
        max_age=KNOWN_DEVICE_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _known_device(request) -> dict:
    try:
        return signing.loads(
            request.COOKIES.get(KNOWN_DEVICE_COOKIE, ""), salt=KNOWN_DEVICE_COOKIE, max_age=KNOWN_DEVICE_DAYS * 86400
        )
    except signing.BadSignature:
        return {}


def _account_tag(email: str) -> str:
    # The cookie names people by a hash of their address, not the address: it says nothing to whoever reads it.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def lift_for(request, user) -> None:
    """Forget the wrong passwords from this client and, once a day, the wrong codes counted against `user` (allauth
    forgets its per-account count of wrong passwords itself: AccountAdapter.set_password)."""
    ratelimit.clear(request, action=FROM_CLIENT, key=f"{account_key({'email': user.email})}|{get_ip(request)}")
    if _code_pause_may_lift(user):
        # allauth's key for wrong second-step codes (allauth.mfa.base.internal.flows.check_rate_limit).
        ratelimit.clear(request, action="login_failed", key=f"mfa-auth-user-{user.pk}")


def _code_pause_may_lift(user) -> bool:
    """Whether a new password may lift the pause on `user`'s wrong codes: not if one did in the last day. A reset
    proves the person reads their email, not that they hold the authenticator: lifted each time, whoever had their
    password and mailbox got thirty more guesses per reset, the six-digit code in about a day."""
    key, now = f"portal:code-pause-lifted:{user.pk}", timezone.now()
    if cache.add(key, now, CODE_PAUSE_LIFTED_EVERY):  # the first in a day (atomic: two resets at once lift once)
        return True
    lifted = cache.get(key)
    if lifted is not None and now - lifted < datetime.timedelta(seconds=CODE_PAUSE_LIFTED_EVERY):
        return False
    cache.set(key, now, CODE_PAUSE_LIFTED_EVERY)
    return True


def warn_account_holder(request, *, email: str = "", user=None, second_step: bool = False) -> None:
    """Email the person that someone is trying to get into their account (at most once an hour).

    The person is found by the address typed in (if it is an account at all: the page the guesser sees is the same
    either way). Nothing is sent to an address that is not a current account.
    """
    if user is None:
        # Matched as sign-in matches (UserManager.get_by_natural_key: the lower case), not with iexact, which on
        # PostgreSQL compares upper cases: a@ıx.example (dotless i), not an account, would warn a@ix.example's holder.
        accounts = get_user_model().objects.alias(sign_in_name=Lower("email"))
        user = accounts.filter(sign_in_name=Lower(Value(email)), is_active=True).first()
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
            "reset_url": portal_url(reverse("account_reset_password")),
            "service_name": settings.PORTAL_SERVICE_NAME,
            "sso_name": sso.provider_name(),
        },
    )


class _WarnWhenCodesRunOut:
    """When the per-person limit on wrong second-step codes trips, the person hears about it."""

    def clean_code(self):
        try:
            return super().clean_code()
        except ValidationError as error:
            if error.code == TOO_MANY:
                warn_account_holder(context.request, user=self.user, second_step=True)
            raise


class AuthenticateForm(_WarnWhenCodesRunOut, AllauthAuthenticateForm):
    """allauth's code step at sign-in."""


class ReauthenticateForm(_WarnWhenCodesRunOut, AllauthReauthenticateForm):
    """allauth's code step when a signed-in person is asked to confirm it is them: not for someone who has left
    (portal.accounts.leavers), however right their code."""

    def clean_code(self):
        code = super().clean_code()
        if leavers.sign_in_refused(context.request, self.user, method="re-authentication"):
            raise ValidationError(leavers.MESSAGE, code="left_organisation")
        return code


class ChangePasswordForm(AllauthChangePasswordForm):
    """allauth's change-password page checked the current password on its own, under five posts a minute per person:
    a session left open could guess the password there, 300 an hour, unseen by the limits above and their warning to
    the holder. It is checked as "confirm it is you" checks a password (`AccountAdapter.reauthenticate`): a sign-in's
    counts, refusals and warning, and not for someone who has left."""

    def clean_oldpassword(self) -> str:
        password = self.cleaned_data.get("oldpassword", "")
        if not get_adapter().reauthenticate(self.user, password):
            raise get_adapter().validation_error("enter_current_password")
        return password
