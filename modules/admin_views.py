from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from quizzes.models import Quiz

from .models import ReviewFlag
from .review import review_flags_resolve


def review_list(request):
    flags = (
        ReviewFlag.objects.filter(resolved_at__isnull=True)
        .select_related("page", "question", "snapshot")
        .order_by("clause", "raised_at")
    )
    short = [quiz for quiz in Quiz.objects.prefetch_related("banks") if quiz.short_of_reviewed()]
    return TemplateResponse(request, "modules/admin/review_list.html", {"flags": flags, "short_quizzes": short})


@require_POST
def review_confirm(request, flag_id: int):
    flag = get_object_or_404(ReviewFlag, pk=flag_id)
    review_flags_resolve(flags=ReviewFlag.objects.filter(pk=flag.pk), user=request.user, resolution="confirmed")
    messages.success(request, f"Marked as reviewed: still true to clause {flag.clause}.")
    return redirect("modules_review_list")
