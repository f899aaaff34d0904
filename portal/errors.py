"""Requests refused before any of the portal's views sees them: a form whose security token no longer matches the
browser's (CSRF), a request Django will not read (400), a form sent after the session ended, and a form's address
opened as a page (405). The pages are drawn as for
someone signed out and read nothing from the session or the database, so that they show even when one of those is what
failed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import middleware as auth_middleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponseNotAllowed
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

# In place of what the context processors would read lazily from the session: the signed-in user and their messages.
_NOTHING_FROM_THE_SESSION = {"user": AnonymousUser(), "messages": ()}


# Set on a request refused for its form's token, for the audit of refused pages to leave it out
# (portal.accounts.middleware.RefusedAccessAuditMiddleware): a tab older than the latest sign-in is not someone trying
# a page they may not see, and a forged request is not the act of the person it was sent as.
CSRF_REFUSED = "portal_csrf_refused"


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW. Most often the form's page was older than the person's latest sign-in: signing in, in any
    tab, gives the browser a new token. (Signing out does not, so a form sent once signed out asks to sign in.)
    Otherwise the browser refuses cookies, or the form never arrived whole (an upload cut short). Not the person's
    refusal of a page (`CSRF_REFUSED`): the view was never reached; Django's django.security.csrf logger
    records it."""
    setattr(request, CSRF_REFUSED, True)
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


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's, but a form sent after the session ended (a manager's "Remind" pressed after a meeting) brings the
    person back, once signed in again, to the page the form was on: not to the address it was sent to, which many views
    answer only when a form is sent there, so that signing in ended on an empty "405" page."""

    def handle_no_permission(self, request, view_func):
        sent_from = _page_sent_from(request) if request.method not in ("GET", "HEAD") else None
        if sent_from is None:
            return super().handle_no_permission(request, view_func)
        login_url = resolve_url(self.get_login_url(view_func))
        return redirect_to_login(sent_from, login_url, self.get_redirect_field_name(view_func))


class MethodNotAllowedPageMiddleware:
    """A page in place of the empty 405 that a view taking only a sent form (`require_POST`) answers a browser with
    when its address is opened: from a bookmark, the history, or signing in again with no page to return to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and request.method == "GET"
            and "text/html" in request.headers.get("Accept", "")
        ):
            back = _page_sent_from(request)
            if back and urlsplit(back).path == request.path:  # the address itself, opened again: no way back there
                back = None
            context = {**_NOTHING_FROM_THE_SESSION, "back": back}
            page = render(request, "405.html", context, status=405)
            page["Allow"] = response["Allow"]
            return page
        return response


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
