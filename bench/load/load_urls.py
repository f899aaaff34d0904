"""The portal's URLs plus one bare view: the floor of the stack (gunicorn, WSGI, middleware) for the ratio."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@login_not_required
@require_POST
def bare_ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok/", bare_ok),
    path("", include("portal.urls")),
]
