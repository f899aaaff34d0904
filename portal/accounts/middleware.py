from django.core.exceptions import PermissionDenied


class CmsEditorsOnlyMiddleware:
    """Signed-in people who are not CMS editors get a plain 'not for you' page at /cms/, not a sign-in loop."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith("/cms/")
            and request.user.is_authenticated
            and not request.user.has_perm("wagtailadmin.access_admin")
        ):
            raise PermissionDenied("The content management system is for CMS editors.")
        return self.get_response(request)
