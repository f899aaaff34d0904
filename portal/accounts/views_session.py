"""The page's "Stay signed in" (WCAG 2.2.1, timing adjustable): a person warned that their session is about to end
for want of activity starts the idle time again, without leaving or reloading the page they are on (a quiz half
answered, a long policy half read)."""

from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .sessions import session_keep as keep


@require_POST
def session_keep(request):
    left = keep(request)
    return JsonResponse({"seconds_left": left.seconds, "final": left.final})
