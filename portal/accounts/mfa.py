"""HR and CMS editors must set up a second factor before they reach any HR page or the Wagtail admin."""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from portal.people.roles import is_hr

# Paths that show or change other people's records (HR) or the content everyone sees (CMS).
PRIVILEGED_PREFIXES = ("/cms/", "/hr/", "/certificates/queue/", "/team/", "/exports/")


def needs_mfa(user) -> bool:
    return user.is_authenticated and (is_hr(user) or user.has_perm("wagtailadmin.access_admin"))


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class PrivilegedRolesNeedMfaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        privileged = path.startswith(PRIVILEGED_PREFIXES) or (path.startswith("/certificates/") and "/decide/" in path)
        if privileged and needs_mfa(request.user) and not has_mfa(request.user):
            messages.info(request, "Your role needs two-factor authentication. Set it up to continue.")
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
