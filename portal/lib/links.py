"""Addresses in what the portal sends or prints (emails, PDFs, command output): they start with PORTAL_BASE_URL, the
address staff know the portal by, never with the host a request happened to come in on. And where a form may send
someone next (`safe_next`)."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def portal_url(path: str) -> str:
    """`path` ("/accounts/password/reset/") on the portal's own address."""
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"


def safe_next(request) -> str:
    """The request's `next` (posted, else in the query) if it may be followed, else "": a path on the portal, or an
    address on the host the request came in on, and from an https page only an https address (a forged
    `next=http://<portal-host>/...` would send the person to the plain-http address, where anyone on the network
    may answer). The one rule for every form that sends someone on: the remind form, the sign-in door, the
    authenticator setup."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""
