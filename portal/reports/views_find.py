"""Finding a person or a team among those the user may see (`find`): HR and managers."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from .find import FIND_LIMIT, FindForm, people_found, teams_found
from .scope import teams_for_request


@require_GET
def find(request):
    _, choices = teams_for_request(request.user, None)  # refuses anyone who is neither HR nor a manager
    form = FindForm(request.GET)
    words = form.words()
    context = {"form": form, "words": " ".join(words), "limit": FIND_LIMIT, "asked": bool(words)}
    if words:
        context["people"], context["people_total"] = people_found(request.user, words)
        context["teams"], context["teams_total"] = teams_found(choices, words)
    return render(request, "reports/find.html", context, status=400 if form.errors else 200)
