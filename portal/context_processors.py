from django.conf import settings
from django.utils.functional import SimpleLazyObject


def service(request):
    from portal.accounts.session_roles import header_roles
    from portal.accounts.sessions import session_time_left
    from portal.people.roles import is_hr

    user = getattr(request, "user", None)
    return {
        # The menu's links, from the roles kept in the session: no query (portal.accounts.session_roles).
        "header_roles": SimpleLazyObject(lambda: header_roles(request)),
        # The role itself, read from the database, for a page that acts on it: lazy, so a page that does not ask
        # pays nothing (and one whose view asked already pays nothing more).
        "is_hr": SimpleLazyObject(lambda: bool(user and is_hr(user))),
        # For the warning before the session ends (templates/includes/session_timeout.html): read from the session,
        # only by a page for someone signed in.
        "session_time_left": SimpleLazyObject(lambda: session_time_left(request)),
        "service_name": settings.PORTAL_SERVICE_NAME,
        "organisation_name": settings.PORTAL_ORGANISATION_NAME,
    }
