"""Pages for a signed-in person are never stored by a browser or a proxy: their training record, their team's, the
organisation's, exports. A shared ward computer's back button or disk cache must not show the last person's records.

One middleware rather than a decorator on each view, so that a new page cannot forget it.
"""

from django.utils.cache import add_never_cache_headers


class SignedInPagesNotStoredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
