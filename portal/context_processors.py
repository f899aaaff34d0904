from django.conf import settings
from django.utils.functional import SimpleLazyObject


def service(request):
    from portal.people.models import TeamManager
    from portal.people.roles import is_hr

    user = getattr(request, "user", None)
    return {
        # Lazy: only pages that ask (the header, for people who are not HR) pay for the query.
        "manages_teams": SimpleLazyObject(
            lambda: bool(
                user and user.is_authenticated and TeamManager.objects.current().filter(staff__user=user).exists()
            )
        ),
        "is_hr": is_hr(request.user) if hasattr(request, "user") else False,
        "service_name": settings.PORTAL_SERVICE_NAME,
        "organisation_name": settings.PORTAL_ORGANISATION_NAME,
    }
