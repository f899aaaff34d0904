"""Single sign-on through an OpenID Connect provider (Microsoft Entra ID, which NHSmail uses): who may come in.

The protocol is django-allauth's (`allauth.socialaccount.providers.openid_connect`); the settings come from the
environment (portal/settings/base.py, docs/sso.md). What is the portal's own:

- a nonce in every authorization request, required back in the ID token (allauth's provider sends none);
- who may sign in: someone already on the staff roster, matched by verified work email the first time and by the
  provider's `sub` from then on, who has not left. Nobody else, and nothing is created for them;
- the switch that turns password sign-in off (PORTAL_PASSWORD_LOGIN), leaving it to superusers as a break-glass way in.
"""

import hmac
import logging
import secrets
import time

from allauth.account import app_settings as account_settings
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.forms import DisconnectForm as AllauthDisconnectForm
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.base.constants import AuthAction, AuthProcess
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Value
from django.db.models.functions import Lower
from django.shortcuts import render

from portal.audit.models import AuditEvent
from portal.audit.services import NOT_SIGNED_IN, audit_record
from portal.people.models import StaffMember

log = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/openid-configuration"
BREAK_GLASS_PARAMETER = "break-glass"
CLOCK_SKEW = 60  # seconds the provider's clock may be ahead of or behind the portal's


# --- the nonce ---------------------------------------------------------------------------------------------------


class NonceOpenIDConnectProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, plus a nonce (OpenID Connect Core 3.1.2.1).

    Each authorization request carries a fresh random nonce, kept with the state allauth stashes in the session (and
    removes when the callback uses it); `admit` refuses an ID token whose nonce is not that one. An ID token from
    another sign-in, replayed or injected into this one, is refused even if everything else about it is genuine.
    """

    def get_auth_params_from_request(self, request, action):
        """`action=reauthenticate` (the page that sets a password sends it, `views_password`): the provider is asked to
        ask for the person's password again (OpenID Connect Core 3.1.2.1 `prompt=login`), not to sign in whoever its
        own session in this browser holds, and to say when it did (`max_age` makes `auth_time` required)."""
        params = super().get_auth_params_from_request(request, action)
        if action == AuthAction.REAUTHENTICATE:
            params["prompt"] = "login"
            params["max_age"] = str(account_settings.REAUTHENTICATION_TIMEOUT)
        return params

    def get_redirect_from_request_kwargs(self, request):
        kwargs = super().get_redirect_from_request_kwargs(request)
        if request.GET.get("action") == AuthAction.REAUTHENTICATE:
            kwargs["reauthenticate"] = True  # kept with the state, for `admit` to require a fresh auth_time
        return kwargs

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = dict(kwargs.pop("auth_params", None) or self.get_auth_params())
        auth_params["nonce"] = nonce  # after the request's own auth_params, so a caller cannot choose it
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


def with_nonce(provider):
    """The same provider and app, as a NonceOpenIDConnectProvider (other providers unchanged)."""
    if type(provider) is OpenIDConnectProvider:
        return NonceOpenIDConnectProvider(provider.request, app=provider.app)
    return provider


# --- who may come in ---------------------------------------------------------------------------------------------


def admit(request, sociallogin) -> None:
    """Connect the person signing in to their roster record, or refuse them with a page that says why.

    Called by SocialAccountAdapter.pre_social_login, after allauth has checked the ID token's signature (unless it
    came straight from the token endpoint), issuer, audience and expiry, and looked up an existing link by `sub`.
    Raises ImmediateHttpResponse to refuse; returns (with the link saved) to let allauth sign the person in.
    """
    provider = sociallogin.provider
    id_token, userinfo = _claims(sociallogin)
    sub = sociallogin.account.uid
    who = {"sub": sub, "provider": sociallogin.account.provider}

    if not id_token:
        _refuse_security(request, "no ID token in the token response", who)
    expected_nonce = sociallogin.state.get("nonce")
    if not (
        isinstance(expected_nonce, str)
        and isinstance(id_token.get("nonce"), str)
        and hmac.compare_digest(expected_nonce, id_token["nonce"])
    ):
        _refuse_security(request, "the ID token's nonce is not the one this sign-in sent", who)
    issuer = configured_issuer(provider)
    if _normalised(id_token.get("iss")) != issuer:
        _refuse_security(request, f"the ID token's issuer {id_token.get('iss')!r} is not {issuer!r}", who)
    if userinfo and userinfo.get("sub") != id_token.get("sub"):
        _refuse_security(request, "the userinfo response is about someone other than the ID token", who)
    if sociallogin.state.get("process", AuthProcess.LOGIN) not in {AuthProcess.LOGIN, AuthProcess.CONNECT}:
        _refuse_security(request, f"unsupported process {sociallogin.state.get('process')!r}", who)
    if sociallogin.state.get("reauthenticate") and not _signed_in_moments_ago(id_token):
        # A provider that ignores prompt=login (or max_age) hands back the sign-in its session already held.
        reason = f"re-authentication without a recent auth_time ({id_token.get('auth_time')!r})"
        _refuse(request, "socialaccount/not_asked_again.html", reason, who, status=400)

    if sociallogin.is_existing:
        # Linked before: the provider's `sub` decides, whatever the email says now.
        user = sociallogin.user
        staff = StaffMember.objects.filter(user=user).first()
        who["email"] = user.email
        if staff is None:
            _refuse(request, "socialaccount/not_on_roster.html", "linked account no longer on the roster", who)
    else:
        email = roster_email(provider, userinfo, id_token)
        if email is None:
            _refuse(request, "socialaccount/no_verified_email.html", "no verified email address", who)
        who["email"] = email
        staff = roster_person_for(email)
        if staff is None or staff.user is None:
            reason = "not on the staff roster" if staff is None else "on the roster without an account"
            _refuse(request, "socialaccount/not_on_roster.html", reason, who, email=email)
        user = staff.user
        if SocialAccount.objects.filter(user=user, provider=sociallogin.account.provider).exclude(uid=sub).exists():
            _refuse_security(request, "the roster person is already linked to a different sign-in account", who)

    if staff.has_left() or not user.is_active:
        _refuse(
            request,
            "socialaccount/left_organisation.html",
            "has left, or the account is closed",
            who,
            staff=staff,
            user=user,
        )
    if sociallogin.state.get("process") == AuthProcess.CONNECT and request.user != user:
        _refuse_security(request, "a signed-in person tried to link someone else's sign-in account", who)

    if not sociallogin.is_existing:
        sociallogin.connect(request, user)
        log.info("Single sign-on: linked %s to %s (sub %s)", sociallogin.account.provider, user.email, sub)


def roster_person_for(email: str) -> StaffMember | None:
    """The roster person whose work email is `email` letter by letter, capitals aside.

    Not with iexact, which on PostgreSQL compares upper cases (a provider's a@\u0131x.example, a dotless i, would be
    the roster's a@ix.example), nor with lower() alone, which on PostgreSQL folds the Kelvin sign and a dotted capital
    I to an ASCII k and i: the database finds the candidates, and each letter must then be the roster's or its other
    capital, an ASCII letter never standing for a non-ASCII one.
    """
    candidates = StaffMember.objects.alias(address=Lower("work_email")).filter(
        Q(address=Lower(Value(email))) | Q(address=Lower(Value(email.lower())))
    )
    for staff in candidates.select_related("user").order_by("pk"):
        if same_letters(staff.work_email, email):
            return staff
    return None


def same_letters(first: str, second: str) -> bool:
    """Whether two addresses are the same letter by letter, whatever the capitals (Émile@EXÄMPLE, émile@exämple), a
    letter matching only one that is ASCII as it is (K and k, never the Kelvin sign and k)."""
    return len(first) == len(second) and all(
        a == b or (a.isascii() == b.isascii() and a.lower() == b.lower()) for a, b in zip(first, second, strict=True)
    )


def roster_email(provider, userinfo: dict, id_token: dict) -> str | None:
    """The email address to look for on the roster: one the provider says it has verified.

    `email` with `email_verified` true, from userinfo or the ID token. Microsoft Entra ID sends no `email_verified`;
    with the app setting `trust_email` (PORTAL_SSO_TRUST_EMAIL) the issuer's `email`, or failing that its
    `preferred_username` when that is an address, is taken as verified. Only turn that on for a single-tenant issuer
    whose directory sets those attributes itself (docs/sso.md).
    """
    for claims in (userinfo, id_token):
        if claims.get("email") and claims.get("email_verified") in (True, "true"):
            return claims["email"].strip()
    if provider.app.settings.get("trust_email"):
        for claims in (userinfo, id_token):
            if claims.get("email"):
                return claims["email"].strip()
        for claims in (userinfo, id_token):
            name = claims.get("preferred_username") or ""
            if "@" in name:
                return name.strip()
    return None


def configured_issuer(provider) -> str:
    return _normalised(provider.app.settings.get("server_url", "").removesuffix(WELL_KNOWN))


def _normalised(issuer) -> str:
    return str(issuer or "").rstrip("/")


def _signed_in_moments_ago(id_token: dict) -> bool:
    """The ID token says the provider had the person sign in within the re-authentication timeout (its `auth_time`)."""
    auth_time = id_token.get("auth_time")
    if not isinstance(auth_time, int | float) or isinstance(auth_time, bool):
        return False
    age = time.time() - auth_time
    return -CLOCK_SKEW <= age <= account_settings.REAUTHENTICATION_TIMEOUT + CLOCK_SKEW


def _claims(sociallogin) -> tuple[dict, dict]:
    data = sociallogin.account.extra_data if isinstance(sociallogin.account.extra_data, dict) else {}
    id_token, userinfo = data.get("id_token"), data.get("userinfo")
    return (id_token if isinstance(id_token, dict) else {}), (userinfo if isinstance(userinfo, dict) else {})


def _refuse(request, template: str, reason: str, who: dict, *, status: int = 403, **context):
    log.warning("Single sign-on refused: %s (%s)", reason, who)
    audit_record(
        actor=context.get("user"),
        action=AuditEvent.SIGN_IN_FAILED,
        scope=who.get("email") or f"single sign-on sub {who['sub']}",
        request=request,
        method="single sign-on",
        reason=reason,
        sub=who["sub"],
    )
    context.setdefault("provider_name", _provider_name(who))
    raise ImmediateHttpResponse(render(request, template, context, status=status))


def _refuse_security(request, reason: str, who: dict):
    _refuse(request, "socialaccount/authentication_error.html", reason, who, status=400)


def _provider_name(who: dict) -> str:
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        if app.get("provider_id") == who.get("provider"):
            return app.get("name") or "single sign-on"
    return "single sign-on"


def log_authentication_error(request, provider, *, error=None, exception=None) -> None:
    """allauth could not complete the sign-in (bad state, an ID token it rejects, the provider refused)."""
    detail = repr(exception) if exception else ""
    if exception is not None and exception.__cause__ is not None:
        detail += f" from {exception.__cause__!r}"  # e.g. allauth's "Invalid id_token" from the audience check
    log.warning("Single sign-on failed at %s: %s %s", getattr(provider, "sub_id", provider), error, detail)
    audit_record(
        actor=NOT_SIGNED_IN,
        action=AuditEvent.SIGN_IN_FAILED,
        scope=f"single sign-on ({getattr(provider, 'sub_id', provider)})",
        request=request,
        method="single sign-on",
        reason=str(error or ""),
        detail=detail[:300],
    )


# --- password sign-in ------------------------------------------------------------------------------------------


def password_login_enabled() -> bool:
    return bool(getattr(settings, "PORTAL_PASSWORD_LOGIN", True))


def provider_name() -> str:
    """The single sign-on's name as the sign-in page shows it ("NHS mail", say), or "" with none set up."""
    return next((app.get("name") or "" for app in settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]), "")


class PasswordSwitchBackend(BaseBackend):
    """First in AUTHENTICATION_BACKENDS: with PORTAL_PASSWORD_LOGIN off, stops every password sign-in but a
    superuser's, whichever form it comes through (the portal's sign-in page, the Wagtail admin's own /cms/login/,
    re-authentication). It never signs anyone in itself; for everything else it steps aside."""

    def authenticate(self, request, password=None, **credentials):
        if password is None or password_login_enabled():
            return None
        login = str(credentials.get("email") or credentials.get("username") or "").strip()
        accounts = get_user_model().objects.alias(sign_in_name=Lower("email"))  # as sign-in matches it, not iexact
        if not login or not accounts.filter(sign_in_name=Lower(Value(login)), is_superuser=True).exists():
            raise PermissionDenied("Password sign-in is turned off.")  # authenticate() stops here: no one signed in
        return None

    def get_user(self, user_id):
        # A session started by login() without a backend named (the test client's force_login) names the first
        # backend in the list, this one: find the person as ModelBackend does.
        return ModelBackend().get_user(user_id)


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form. With PORTAL_PASSWORD_LOGIN off, only a superuser's password gets in (break glass).

    Every refused attempt gets the same message, so the form says nothing about whether a password was right or who
    is a superuser.
    """

    refused_message = (
        "Password sign-in is turned off. Sign in with your organisation's account instead. "
        "If you are an administrator using emergency access, check your email address and password."
    )

    @property
    def password_login_enabled(self) -> bool:
        return password_login_enabled()

    @property
    def show_password_fields(self) -> bool:
        request = self.request
        return (
            password_login_enabled() or self.is_bound or (request is not None and BREAK_GLASS_PARAMETER in request.GET)
        )

    def clean(self):
        if password_login_enabled():
            return super().clean()
        try:
            cleaned_data = super().clean()
        except ValidationError as error:
            if getattr(error, "code", None) == "too_many_login_attempts":
                raise
            raise ValidationError(self.refused_message, code="password_login_off") from None
        if self._errors:
            return cleaned_data
        if self.user is None or not self.user.is_superuser:
            if self.user is not None:
                audit_record(
                    actor=self.user,
                    action=AuditEvent.SIGN_IN_FAILED,
                    scope=self.user.email,
                    request=self.request,
                    method="password",
                    reason="password sign-in is turned off",
                )
            self.user = None
            raise ValidationError(self.refused_message, code="password_login_off")
        return cleaned_data


class DisconnectForm(AllauthDisconnectForm):
    """allauth's form to unlink a single sign-on account, saying what is missing in the portal's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].error_messages["required"] = "Choose the account to unlink"
