"""Wagtail's own sign-in and password-reset pages, closed: there is one way in, allauth's.

Wagtail's admin login (/cms/login/) and its sign-in page for private pages (/_util/login/) call Django's `login()`
themselves, so allauth's rate limits, second factor and audit would not apply to them (`WAGTAILADMIN_LOGIN_URL` only
changes where Wagtail redirects). These views take their place at the same addresses: whatever is sent to them,
nothing is checked and nobody is signed in; the person is sent on to the portal's own sign-in or password-reset
page, keeping where they were going.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt

from portal.lib.links import safe_next


def _next_for(request, default: str) -> str:
    return safe_next(request) or default


# CSRF-exempt only so that a form posted to the old address gets the redirect, not a CSRF failure page: the view
# reads nothing from the body and changes nothing.
@csrf_exempt
@login_not_required
def cms_sign_in(request):
    target = resolve_url("account_login")
    return redirect(f"{target}?{urlencode({'next': _next_for(request, '/cms/')})}")


@csrf_exempt
@login_not_required
def page_sign_in(request):
    target = resolve_url("account_login")
    return redirect(f"{target}?{urlencode({'next': _next_for(request, '/')})}")


@csrf_exempt
@login_not_required
def cms_password_reset(request, **kwargs):
    return redirect("account_reset_password")
