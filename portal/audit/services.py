import datetime

from allauth.core.internal.httpkit import get_client_ip
from django.core.exceptions import ImproperlyConfigured

from portal.lib.commands import this_process

from .models import AuditEvent

# The audit log's "who" for something asked by a request from no one signed in: a failed sign-in, a name a single
# sign-on fills in before the session is the person's.
NOT_SIGNED_IN = "Someone not signed in"


def client_address(request) -> str:
    """The address of the person's machine, not of the reverse proxy in front of the portal.

    Behind TRUSTED_PROXY_COUNT proxies (ALLAUTH_TRUSTED_PROXY_COUNT) the client is read from X-Forwarded-For, counting
    that many entries from the right: entries further left were written by the client and prove nothing. This is the
    address allauth's sign-in rate limits count, so the audit log and the limits agree. Empty if there is no request;
    a header shorter than the proxy count (a request that did not come through the proxies) falls back to the
    connecting address.
    """
    if request is None:
        return ""
    try:
        return get_client_ip(request) or ""
    except ImproperlyConfigured:
        return request.META.get("REMOTE_ADDR", "")


# Set on a request whose view wrote its own refusal line (naming whose record was asked for): the refused-pages audit
# (portal.accounts.middleware.RefusedAccessAuditMiddleware) does not write a second, less telling one.
REFUSAL_AUDITED = "portal_refusal_audited"


def audit_record(
    *, actor, action: str, scope: str, as_at: datetime.date | None = None, request=None, **detail
) -> AuditEvent:
    """Write one line of the audit log. `actor` is the account, or the words for a door with none ("the daily run");
    None is what no request asked for and the caller could not name (a role given in `manage.py shell`), named as the
    process doing it (`this_process`). `detail` holds identifiers (staff_id, team_id, format) for searching; given
    the request, the line also records the client's address (`ip`, see `client_address`)."""
    if request is not None:
        detail.setdefault("ip", client_address(request))
    if actor is None:
        name = this_process()
    else:
        name = getattr(actor, "display_name", "") or getattr(actor, "email", "") or str(actor)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=name,
        action=action,
        scope=_storable(scope)[:300],
        as_at=as_at,
        detail={key: _storable(value) if isinstance(value, str) else value for key, value in detail.items()},
    )


def _storable(text: str) -> str:
    """A hostile address or name is still recorded: PostgreSQL refuses NUL in text and JSON, so it becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")
