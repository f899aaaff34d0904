"""A privileged role (HR, CMS editor) counts only in a session that proved its second factor.

allauth records in the session how it was signed in to: a password, single sign-on, a code from an authenticator
app. A person with a privileged role whose session holds no code of theirs (it stopped at the password, or came in
by a side door) acts as plain staff: `is_hr` is false and they hold no permission, the Wagtail admin's included
(`User.privileges_proven`), so no view shows them anyone else's record whatever its URL. The pages of the role
itself send them to enter a code, or to set up an authenticator app first; so do the pages and documents kept for
certain groups that would let them in (`portal.accounts.wagtail_hooks`, `User.second_factor_owed`).

Whether someone holds a privileged role, and has an authenticator app, is read from the flags their session keeps
(`portal.accounts.session_roles`): a request asks the database nothing for it. The flags cannot outlive a change:
a role granted or taken away, or an authenticator removed, raises the person's session epoch, which ends the
session (and its flags) at its next request. Only the way to prove the factor (set one up, or enter a code) is read
from allauth's own records, when someone is sent to prove it.
"""

import functools

from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from portal.people.roles import holds_privileged_role

from .session_roles import privileges_proven, session_roles, session_used_mfa

# Paths that show or change other people's records (HR) or the content everyone sees (CMS): a privileged person
# without a proven second factor is sent to prove one here, rather than refused as the staff member they act as.
PRIVILEGED_PREFIXES = ("/cms/", "/hr/", "/certificates/queue/", "/team/", "/exports/")
# Recovery codes are a second factor (one typed where the app's code is asked for counts as it): a privileged person
# makes, reads or downloads them only in a session that proved a code, or a session that stopped at the password
# would make a set and prove the factor with one.
SECOND_FACTOR_PREFIXES = ("/accounts/2fa/recovery-codes/",)


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _is_privileged_path(path: str) -> bool:
    return path.startswith((*PRIVILEGED_PREFIXES, *SECOND_FACTOR_PREFIXES)) or (
        path.startswith("/certificates/") and "/decide/" in path
    )


class PrivilegedRolesNeedMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            user.privileges_proven = functools.cache(functools.partial(privileges_proven, request))
            user.second_factor_owed = functools.cache(functools.partial(_second_factor_owed, request))
            if _is_privileged_path(request.path) and user.second_factor_owed():
                return prove_second_factor(request)
        return self.get_response(request)


def _second_factor_owed(request) -> bool:
    """HR or a CMS editor (or a superuser), as `holds_privileged_role` counts them, from the session's flags, whose
    session has not proved its second factor. No query once the session holds its flags."""
    flags = session_roles(request)
    return bool(flags["hr"] or flags["cms"]) and not request.user.privileges_proven()


def prove_second_factor(request):
    """Send the person to enter the code from their authenticator app (or to set one up first), and back here."""
    next_query = urlencode({"next": request.get_full_path()})
    if not has_mfa(request.user):
        messages.info(request, "Your role needs two-factor authentication. Set it up to continue.")
        return redirect(f"{reverse('mfa_activate_totp')}?{next_query}")
    messages.info(request, "Your role needs the code from your authenticator app. Enter it to continue.")
    return redirect(f"{reverse('mfa_reauthenticate')}?{next_query}")


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your role needs an authenticator app, and you signed in without a code from it: enter a code from the "
            "app before you turn it off"
        ),
        "cannot_generate_recovery_codes": "Set up an authenticator app before you make recovery codes",
        # allauth's is "Incorrect code.": what is wrong, not what to do (WCAG 3.3.3). A code is refused when mistyped,
        # out of date (the app shows a new one every 30 seconds) or used already; the boxes asking for one take a
        # recovery code too (setting up an app, which does not, says its own: forms.ActivateTOTPForm).
        "incorrect_code": (
            "That code is not right, or has been used already. Enter the 6-digit code your authenticator app shows "
            "now, or a recovery code you have not used"
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A privileged person may remove a second factor only in a session that proved one: a session that stopped
        at the password (or a side door) must not be able to take the second factor away."""
        request = context.request
        user = authenticator.user
        if not holds_privileged_role(user):
            return True
        return request is not None and request.user == user and session_used_mfa(request)
