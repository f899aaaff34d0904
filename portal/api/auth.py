"""Who is calling: the bearer token of an API client, and nothing else. A session cookie never counts here (the
URLconf drops the signed-in user before the API sees the request), so the API needs no CSRF token; and a token counts
nowhere else, because the web pages read only the session. Every call is rate limited by client, and calls with a
missing or unknown token by address."""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from ninja.security import HttpBearer

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record, client_address

from .clients import client_for_token
from .models import ApiClient
from .problems import Problem

UNIDENTIFIED_CALLER = "API caller without a valid token"
LAST_USED_EVERY_SECONDS = 60  # how stale `last_used_at` may get: saving it on every call would add a write to each


def per_minute() -> int:
    return getattr(settings, "PORTAL_API_RATE_PER_MINUTE", 600)


def failures_per_minute() -> int:
    return getattr(settings, "PORTAL_API_FAILURES_PER_MINUTE", 30)


@dataclass(frozen=True)
class Over:
    wait: int  # seconds to the next window: 0 if the call is within the limit
    first: bool  # the window's first call over the limit: the one the audit log records


def _over_limit(key: str, limit: int) -> Over:
    """Count one call in this minute's window; how long to wait if that makes more than `limit`."""
    now = int(time.time())
    window = f"api-rate:{key}:{now // 60}"
    cache.add(window, 0, timeout=120)
    try:
        count = cache.incr(window)
    except ValueError:  # the window expired between add and incr
        cache.set(window, 1, timeout=120)
        count = 1
    # One call counts limit + 1 (with Redis's atomic INCR, exactly one): a flood writes one audit line per window,
    # not one per call.
    return Over(wait=60 - now % 60 if count > limit else 0, first=count == limit + 1)


def _rate_limited_audit(request, actor: str, limit: int, over: Over, **detail) -> None:
    """The window's first refused call, in the audit log; the calls refused after it in the same minute are not
    written one by one (a flood would write a flood of rows), and the line says so."""
    if not over.first:
        return
    audit_record(
        request=request,
        actor=actor,
        action=AuditEvent.REFUSED,
        scope=f"{request.method} {request.path}"[:300],
        why="rate limited",
        limit_per_minute=limit,
        refused_until=(timezone.now() + datetime.timedelta(seconds=over.wait)).isoformat(timespec="seconds"),
        note="the first call refused in this minute; later ones in the same minute are not recorded each",
        **detail,
    )


def _refuse(request, code: str, detail: str, audit=None) -> Problem:
    """A call without a token that opens anything, counted against its address's limit. `audit` (a revoked client's,
    or one whose holder lapsed) writes its line only within that limit: past it, the window's one rate-limited line
    stands for them, so a revoked token, which may be in the wrong hands, cannot write a line a call."""
    limit = failures_per_minute()
    over = _over_limit(f"ip:{client_address(request)}", limit)
    if over.wait:
        _rate_limited_audit(request, UNIDENTIFIED_CALLER, limit, over, refused_for=code)
        return Problem(
            "rate_limited",
            f"Too many calls without a valid token: wait {over.wait} seconds.",
            headers={"Retry-After": str(over.wait)},
        )
    if audit is not None:
        audit()
    error = ', error="invalid_token"' if code != "not_authenticated" else ""
    return Problem(code, detail, headers={"WWW-Authenticate": f'Bearer realm="api"{error}'})


class ClientToken(HttpBearer):
    """`Authorization: Bearer <token>` of a client holding `scope` (or, given several, any one of them)."""

    def __init__(self, scope: str | tuple[str, ...]):
        super().__init__()
        self.scopes = (scope,) if isinstance(scope, str) else scope
        self.scope = self.scopes[0]

    def __call__(self, request):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise _refuse(request, "not_authenticated", "Send the client's token: Authorization: Bearer <token>.")
        return self.authenticate(request, token)

    def authenticate(self, request, token: str) -> ApiClient:
        client = client_for_token(token)
        if client is None:
            raise _refuse(request, "token_not_recognised", "The token is not one the portal knows (or it was rotated).")
        if client.is_revoked:
            raise _refuse(
                request,
                "token_revoked",
                "This client has been revoked: ask HR for a new one.",
                audit=lambda: audit_refusal(request, client, self.scope, "revoked token"),
            )
        if client.holder_lapsed:
            raise _refuse(
                request,
                "token_holder_not_hr",
                "The HR officer who was given this client's token no longer signs in, has left the organisation or is "
                "no longer in HR: ask HR to rotate the token (or revoke the client).",
                audit=lambda: audit_refusal(request, client, self.scope, "token holder no longer in HR"),
            )
        limit = per_minute()
        over = _over_limit(f"client:{client.pk}", limit)
        if over.wait:
            _rate_limited_audit(request, client.audit_name, limit, over, api_client=client.pk, api_scope=self.scope)
            raise Problem(
                "rate_limited",
                f"More than {limit} calls a minute: wait {over.wait} seconds.",
                headers={"Retry-After": str(over.wait)},
            )
        held = [scope for scope in self.scopes if scope in client.scopes]
        if not held:
            audit_refusal(request, client, self.scope, "scope missing")
            needed = " or ".join(self.scopes)
            raise Problem("scope_missing", f"This client may not do this: it needs the scope {needed}.", scope=needed)
        now = timezone.now()
        if client.last_used_at is None or (now - client.last_used_at).total_seconds() > LAST_USED_EVERY_SECONDS:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        request.api_client, request.api_scope = client, held[0]
        return client


def audit_call(request, *, action: str, scope: str, as_at=None, **detail) -> None:
    """One line of the audit log for a call: which client, with which scope, read or wrote what."""
    client = request.api_client
    audit_record(
        request=request,
        actor=client.audit_name,
        action=action,
        scope=scope,
        as_at=as_at,
        api_client=client.pk,
        api_scope=request.api_scope,
        method=request.method,
        path=request.path[:300],
        **detail,
    )


def audit_refusal(request, client: ApiClient, scope: str, why: str, **detail) -> None:
    audit_record(
        request=request,
        actor=client.audit_name,
        action=AuditEvent.REFUSED,
        scope=f"{request.method} {request.path}"[:300],
        api_client=client.pk,
        api_scope=scope,
        why=why,
        **detail,
    )


def scope_extra(*scopes: str) -> dict:
    """The scope an endpoint needs, in its OpenAPI operation (`x-scope`), for the docs page and for clients."""
    return {"x-scope": " or ".join(scopes)}
