from django.conf import settings


def service(request):
    from portal.people.roles import is_hr

    return {
        "is_hr": is_hr(request.user) if hasattr(request, "user") else False,
        "service_name": settings.PORTAL_SERVICE_NAME,
        "organisation_name": settings.PORTAL_ORGANISATION_NAME,
    }
