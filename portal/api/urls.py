"""/api/v1/: the API's endpoints (django-ninja), its OpenAPI document and its docs page.

Each endpoint is wrapped so that a session never counts: the signed-in user a cookie would bring is dropped before the
API sees the request, so only a client's token can open it (and the API needs no CSRF token, having no cookie auth).
Its answers are never stored by a browser or a proxy. Any other address under /api/v1/ is a problem document too.
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import path, re_path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt

from .api import api
from .problems import Problem, problem_response
from .views_docs import docs_page

app_name = "api"


def _token_only(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.user = AnonymousUser()  # a session is not an API client
        response = view(request, *args, **kwargs)
        if response.status_code == 405:
            allowed = response.get("Allow", "")
            response = problem_response(
                Problem("method_not_allowed", f"This address takes {allowed}.", headers={"Allow": allowed}), request
            )
        add_never_cache_headers(response)
        return response

    wrapper.__module__ = __name__  # ours: the URL-walking tests find these addresses
    return login_not_required(csrf_exempt(wrapper))


@login_not_required
def api_root(request):
    return redirect("api:docs")


@login_not_required
def unknown_address(request, rest=""):
    return problem_response(Problem("not_found", "There is no such address in the API: see /api/v1/docs/."), request)


patterns, _, _ = api.urls
for pattern in patterns:
    # django-ninja's root only names the prefix (for its reverse()); people who open it get the docs page
    pattern.callback = api_root if pattern.name == "api-root" else _token_only(pattern.callback)

urlpatterns = [
    *patterns,
    path("docs/", docs_page, name="docs"),
    re_path(r"^(?P<rest>.*)$", unknown_address),
]
