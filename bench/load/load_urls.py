"""The portal's URLs plus two views to measure it against: a bare view (the stack alone: gunicorn, WSGI,
middleware) and the floor of a submission (its essential writes in raw SQL, bench/load/floor.py)."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from floor import floor_submission


@csrf_exempt
@login_not_required
@require_POST
def bare_ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ok/", bare_ok),
    path("bench/floor/", floor_submission),
    path("", include("portal.urls")),
]
