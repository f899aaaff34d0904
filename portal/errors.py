"""Requests refused before any of the portal's views sees them: a form whose security token no longer matches the
browser's (CSRF), and a request Django will not read (400). The pages are drawn as for
someone signed out and read nothing from the session or the database, so that they show even when one of those is what
failed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

# In place of what the context processors would read lazily from the session: the signed-in user and their messages.
_NOTHING_FROM_THE_SESSION = {"user": AnonymousUser(), "messages": ()}


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. Most often the form's page was older than the person's latest sign-in: signing in, in any
    tab, gives the browser a new token. (Signing out does not, so a form sent once signed out asks to sign in.)
    Otherwise the browser refuses cookies, or the form never arrived whole (an upload cut short)."""
    context = {
        **_NOTHING_FROM_THE_SESSION,
        "cookies_refused": reason == REASON_NO_CSRF_COOKIE,
        "cut_short": reason == REASON_CSRF_TOKEN_MISSING and _form_cut_short(request),
        "back": _page_sent_from(request) or "/",
    }
    return render(request, "403_csrf.html", context, status=403)


def bad_request(request, exception=None):
    """handler400: a request for another host name than the portal's, or one Django would not read (too big, too
    many fields, a file upload cut short)."""
    context = {
        **_NOTHING_FROM_THE_SESSION,
        "wrong_host": isinstance(exception, DisallowedHost),
        "portal_address": settings.WAGTAILADMIN_BASE_URL,
        "too_much": isinstance(exception, RequestDataTooBig | TooManyFieldsSent),
    }
    return render(request, "400.html", context, status=400)


def _form_cut_short(request) -> bool:
    """A form was sent but none of it could be read: the connection dropped while it was being sent. The token check
    read the form already (looking for the token), and Django leaves a form it could not read empty; a form read whole
    holds at least its token."""
    form_types = ("multipart/form-data", "application/x-www-form-urlencoded")
    sent = request.method == "POST" and request.content_type in form_types and request.META.get("CONTENT_LENGTH")
    return bool(sent) and sent != "0" and not request.POST


def _page_sent_from(request) -> str | None:
    """The path of the portal's page a form was sent from (the browser's Referer, on this host only), or None.
    Opening it again shows the form afresh, with a fresh token."""
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return None
    sent_from = urlsplit(referer)
    return (sent_from.path + (f"?{sent_from.query}" if sent_from.query else "")) or None
