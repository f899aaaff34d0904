from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import is_hr


def hr_required(view):
    """HR pages: signed-in members of the HR group only (others get 403; anonymous users are sent to sign in)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_hr(request.user):
            raise PermissionDenied("This page is for HR.")
        return view(request, *args, **kwargs)

    return wrapper
