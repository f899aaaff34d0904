from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from quizzes import scoring
from quizzes.models import Quiz

from .models import ReviewFlag
from .review import review_flags_resolve


def _may_confirm(user, flag: ReviewFlag) -> bool:
    """Confirming a flag puts the content back in front of staff as it stands, so it takes the right to change that
    content: to change the question, or to edit and publish the module page the scenario is on (a changed scenario
    is released by publishing the page, so confirming one unchanged asks no less)."""
    if flag.question_id:
        return user.has_perm("quizzes.change_question")
    permissions = flag.page.permissions_for_user(user)
    return permissions.can_edit() and permissions.can_publish()


def review_list(request):
    flags = list(
        ReviewFlag.objects.filter(resolved_at__isnull=True)
        .select_related("page", "question", "snapshot")
        .order_by("clause", "raised_at")
    )
    for flag in flags:
        flag.confirmable = _may_confirm(request.user, flag)
    # A quiz short of active questions is paused whatever it does when short of reviewed ones, so it is told once.
    quizzes = list(Quiz.objects.prefetch_related("banks"))
    short_of_questions = [quiz for quiz in quizzes if quiz.short_of_questions()]
    short = [quiz for quiz in quizzes if quiz not in short_of_questions and quiz.short_of_reviewed()]
    for quiz in short:  # one that keeps asking asks the reviewed questions only: how few, and how few pass, is said
        quiz.asks_now = len(quiz.active_question_clauses())
        quiz.passes_with = scoring.right_answers_to_pass(quiz.asks_now, quiz.pass_mark)
    context = {"flags": flags, "short_quizzes": short, "quizzes_short_of_questions": short_of_questions}
    return TemplateResponse(request, "modules/admin/review_list.html", context)


@require_POST
def review_confirm(request, flag_id: int):
    flag = get_object_or_404(ReviewFlag.objects.select_related("page"), pk=flag_id)
    if not _may_confirm(request.user, flag):
        raise PermissionDenied
    review_flags_resolve(flags=ReviewFlag.objects.filter(pk=flag.pk), user=request.user, resolution="confirmed")
    messages.success(request, f"Marked as reviewed: still true to clause {flag.clause}.")
    return redirect("modules_review_list")
