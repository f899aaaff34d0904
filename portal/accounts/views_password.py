"""Setting a first password asks the person to prove who they are, moments before.

Someone who signs in only by single sign-on has no password, and allauth's page that sets one asked for nothing but
a signed-in session: allauth's own re-authentication check lets a person with neither a password nor an
authenticator app through, as it has no way to send them back to the provider. A session left open on an unlocked
PC could then set a password, type it where allauth asks "confirm it is you", and swap the person's authenticator
app for its own.

So the page opens only within ACCOUNT_REAUTHENTICATION_TIMEOUT (5 minutes) of the person proving who they are with
the strongest thing they have:

- with an authenticator app, a code from it (at sign-in, or on allauth's "confirm it is you" page, where they are
  sent and which returns them here);
- without one, signing in again through single sign-on from this page: the provider is asked to ask for their
  password again (`sso.NonceOpenIDConnectProvider`), and the sign-in counts only once `sso.admit` has seen it say it
  did (`reauthenticated_record`). Any other sign-in does not count: at an unlocked PC, the ordinary "Sign in with
  NHSmail" signs the person straight back in from the provider's own session in the browser.

What was posted is never kept to be replayed after they confirm (as allauth keeps a suspended POST in the session):
it holds the new password. Setting a password ends the person's other sessions (Django's session hash changes with
the password), so a session elsewhere does not outlive it.
"""

import time

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.account.views import PasswordSetView as AllauthPasswordSetView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from .mfa import has_mfa

REAUTHENTICATED_AT = "portal_reauthenticated_at"


def reauthenticated_record(request) -> None:
    """The person signed in again through single sign-on and the provider said it asked for their password just now
    (called once allauth has signed them in: signing in starts a new session)."""
    request.session[REAUTHENTICATED_AT] = time.time()


def proved_moments_ago(request) -> bool:
    """The person in `request` proved who they are within the re-authentication timeout: a code from their
    authenticator app if they have one, else signing in again (`reauthenticated_record`)."""
    now = time.time()
    if not has_mfa(request.user):
        return now - request.session.get(REAUTHENTICATED_AT, 0) < account_settings.REAUTHENTICATION_TIMEOUT
    return any(
        now - record.get("at", 0) < account_settings.REAUTHENTICATION_TIMEOUT
        for record in get_authentication_records(request, request.user)
        if record.get("method") == "mfa"
    )


class PasswordSetView(AllauthPasswordSetView):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.has_usable_password() and not proved_moments_ago(request):
            return _prove_it_first(request)
        return super().dispatch(request, *args, **kwargs)


def _prove_it_first(request):
    if has_mfa(request.user):
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': request.path})}")
    if request.method != "GET":
        return redirect(request.path)
    minutes = account_settings.REAUTHENTICATION_TIMEOUT // 60
    return render(request, "account/password_set_sign_in_again.html", {"minutes": minutes, "next": request.path})


password_set = PasswordSetView.as_view()
