"""The learning flow: scenario choices and quiz attempts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import OuterRef
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from wagtail import hooks
from wagtail.views import serve_chain

from portal.lib.page_privacy import asks_second_factor, privacy_to_check, restrictions_refusing
from quizzes import services as quiz_services
from quizzes.forms import AttemptForm, field_name, sent_several_for_one
from quizzes.models import Attempt

from . import services
from .aliasing import alias_refusal
from .models import ModuleIndexPage, ModulePage
from .progress import module_progress_for_user
from .statutory_pages import BY_SLUG, statutory_page_live

# Answers typed before the session expired, kept in the (anonymous) session until the person signs in again: those of
# one attempt at a time, and only choices its questions offer, so whatever is posted, a session holds no more than
# one set of answers to one quiz.
STASH_KEY = "quiz-answers"


def _get_module_page(request, page_id: int) -> ModulePage:
    """A live module, and, for a request that records anything, one whose privacy lets the person in as Wagtail's
    serving the page does (a view restriction on it or a page above it: a password given in this session, certain
    groups). Otherwise a 404, as for a module that is not there: a restricted module is not worked through, and no
    evidence of it recorded, by posting round the page. A GET only sends the person to the page, which asks."""
    page = get_object_or_404(ModulePage.objects.live(), pk=page_id)
    if request.method != "GET" and restrictions_refusing(request, page):
        raise Http404("No module here.")
    return page


def _alias_refused(request, page: ModulePage):
    """An alias of a module made before they were refused takes no answers and starts no attempt: the person is sent
    to the module itself, told why (`aliasing.alias_refusal`). None for a module."""
    refusal = alias_refusal(page)
    if not refusal:
        return None
    module = get_object_or_404(ModulePage.objects.live(), pk=page.alias_of_id)
    if _wants_json(request):
        return JsonResponse({"error": refusal, "module_url": module.url}, status=409)
    messages.info(request, refusal)
    return redirect(module.url)


def _get_attempt_for_user(user, attempt_id: int) -> Attempt | None:
    """The person's attempt, or None (`_attempt_not_here`). Its quiz, its module and the module's policy come in the
    same query (`_module_of`), with whether the module's privacy is to be checked (`_private_since_begun`)."""
    attempts = Attempt.objects.select_related("quiz", "page__modulepage__policy")
    return attempts.annotate(**privacy_to_check(OuterRef("page__path"))).filter(pk=attempt_id, user=user).first()


def _attempt_not_here(request):
    """A 404 for an attempt that is not the person's, or is no longer there: starting a changed quiz again in another
    tab replaced it, and this tab's answers reach no attempt. It says so and where to carry on, in the same words for
    someone else's attempt (a 404, not a 403: its existence is not theirs to learn)."""
    return render(request, "modules/attempt_not_here.html", status=404)


def _private_since_begun(request, attempt: Attempt, module):
    """The module the attempt was begun from was made private (Wagtail's privacy, on it or a page above it) and no
    longer lets the person in: a page saying so, and neither the questions nor a submission. None if it does. A
    privileged person let in once their session proves the code (`page_privacy.asks_second_factor`) is told so, as
    the attestation tells them, with the way to the module, which asks for it."""
    if not attempt.page_id or not (attempt.restricted_above or attempt.aliased_above):
        return None
    refusing = restrictions_refusing(request, attempt.page)
    if not refusing:
        return None
    asks_password = any(restriction.restriction_type == restriction.PASSWORD for restriction in refusing)
    context = {"attempt": attempt, "module": module, "asks_password": asks_password}
    context["asks_second_factor"] = asks_second_factor(request, refusing)
    return render(request, "modules/attempt_private.html", context, status=403)


def _module_of(attempt: Attempt) -> ModulePage | None:
    """The module the attempt was taken from, as `_get_attempt_for_user` read it."""
    if not attempt.page_id:
        return None
    try:
        return attempt.page.modulepage
    except ModulePage.DoesNotExist:
        return attempt.page.specific


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_not_required
@require_GET
def statutory_page(request, slug: str):
    """The accessibility statement, the privacy notice or the cookies page, at its fixed address, for anyone, signed
    in or not (`statutory_pages`). Served as Wagtail serves a page, so a privacy setting an editor gave it holds."""
    page = statutory_page_live(slug)
    if page is None:
        raise Http404(f"No page “{BY_SLUG[slug].title}” has been published.")
    serve = serve_chain
    for wrap in reversed(hooks.get_hooks("on_serve_page")):  # Wagtail's privacy check is one
        serve = wrap(serve)
    for hook in hooks.get_hooks("before_serve_page"):
        refused = hook(page, request, (), {})
        if isinstance(refused, HttpResponse):
            return refused
    return serve(page, request, (), {})


@require_GET
def module_index(request):
    """Where the list of modules used to be, and where the header's "Modules" leads: the module index page, the one
    list of modules (and My training, /training/, says what is due). The redirect is temporary: browsers keep a
    permanent one, and the index an editor publishes, moves or replaces later is a different address."""
    index = ModuleIndexPage.the_list()
    if index is None:
        messages.info(request, "No list of training modules has been published yet: what you need to do is below.")
        return redirect("reports:my_training")
    return redirect(index.url)


@require_http_methods(["GET", "POST"])
def scenario_choose(request, page_id: int, block_id: str):
    page = _get_module_page(request, page_id)
    block = page.scenario_block(block_id)
    if request.method == "GET":
        # Where signing in again comes back to after the session ran out on "Check my choice": the scenario.
        return redirect(f"{page.url}#scenario-{block_id}" if block else page.url)
    refused = _alias_refused(request, page)
    if refused:
        return refused
    try:
        option_index = _option_posted(request)
        services.scenario_response_record(
            user=request.user,
            page=page,
            block_id=block_id,
            option_index=option_index,
            shown=request.POST.get("shown"),
            answered=request.POST.get("answered"),
        )
    except (services.ScenarioHeldError, services.ScenarioGoneError, services.ScenarioChangedError) as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error)}, status=409)
        messages.info(request, str(error))
        return redirect(page.url)
    except services.ScenarioChoiceError:
        if _wants_json(request):
            return JsonResponse({"error": "Choose one of the options."}, status=400)
        return redirect(f"{page.url}?unanswered={block_id}#scenario-{block_id}")
    if _wants_json(request):
        return JsonResponse(_scenario_answered(request, page, block))
    # The scenario's feedback says what happened, and after the last scenario, that they are all done and what next.
    return redirect(f"{page.url}#scenario-{block_id}")


def _option_posted(request) -> int:
    """The option chosen, or -1 (none of them) when none was, which the service refuses after checking that the
    scenario is still part of the module: that it has gone is what the person most needs to know."""
    try:
        return int(request.POST.get("option", ""))
    except ValueError:
        return -1


def _scenario_answered(request, page: ModulePage, block) -> dict:
    """The parts of the module page that answering a scenario changes, for the page to put in place."""
    progress = module_progress_for_user(request.user, page)
    context = {"value": block.value, "state": progress.scenarios[block.id], "block_id": block.id, "page": page}
    context["progress"] = progress
    return {
        "feedback_html": render_to_string("modules/blocks/scenario_feedback.html", context, request=request),
        "progress_html": render_to_string("modules/includes/module_progress.html", context, request=request),
        "quiz_note_html": render_to_string("modules/includes/quiz_scenarios_note.html", context, request=request),
        "scenario_done": progress.scenarios[block.id].reached_expected,
        "scenarios_complete": progress.scenarios_complete,
        "module_complete": progress.is_complete,
    }


@require_http_methods(["GET", "POST"])
def quiz_start(request, page_id: int):
    page = _get_module_page(request, page_id)
    if request.method == "GET":
        # Where signing in again comes back to after the session ran out on "Start the quiz": the quiz, to start.
        return redirect(f"{page.url}#quiz" if page.quiz else page.url)
    refused = _alias_refused(request, page)
    if refused:
        return refused
    if page.quiz is None:
        raise Http404("This module has no quiz.")
    try:
        attempt = quiz_services.attempt_start(user=request.user, quiz=page.quiz, page=page)
    except quiz_services.AttemptError as error:
        messages.error(request, str(error))
        return redirect(page.url)
    return redirect("modules:attempt", attempt_id=attempt.pk)


@login_not_required
@require_http_methods(["GET", "POST"])
def attempt_take(request, attempt_id: int):
    if not request.user.is_authenticated:
        # The session expired mid-quiz: keep the answers in this (anonymous) session, which survives sign-in.
        answers = _answers_to_keep(attempt_id, request.POST) if request.method == "POST" else None
        if answers:
            request.session[STASH_KEY] = {"attempt": attempt_id, "answers": answers}
        return redirect_to_login(reverse("modules:attempt", args=[attempt_id]))
    attempt = _get_attempt_for_user(request.user, attempt_id)
    if attempt is None:
        return _attempt_not_here(request)
    module = _module_of(attempt)
    private = _private_since_begun(request, attempt, module)
    if private:
        return private
    if attempt.is_submitted:
        if request.method == "POST" and module:
            # A second press after the first answer was lost: make sure the module's completion is recorded (it
            # records nothing twice), then show the result.
            services.module_completion_record_if_complete(user=request.user, page=module)
        return redirect("modules:attempt_result", attempt_id=attempt.pk)
    if _outdated(request, attempt, module):
        return render(request, "modules/attempt_outdated.html", {"attempt": attempt, "module": module})
    questions = attempt.frozen_questions()
    if request.method == "POST":
        form = AttemptForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                # One transaction: the answers, the module's completion and its ledger entry are recorded together
                # or not at all, so a failure half way (the database restarting) leaves the quiz to submit again.
                with transaction.atomic():
                    submission = quiz_services.attempt_submit(attempt=attempt, answers=form.answers())
                    if module:
                        services.module_completion_record_if_complete(
                            user=request.user,
                            page=module,
                            just_passed=attempt if submission.newly_recorded else None,
                        )
            except quiz_services.AttemptOutdatedError:
                return render(request, "modules/attempt_outdated.html", {"attempt": attempt, "module": module})
            except quiz_services.AttemptError as error:
                form.add_error(None, str(error))
            else:
                request.session.pop(STASH_KEY, None)
                return redirect("modules:attempt_result", attempt_id=attempt.pk)
    else:
        stash = request.session.get(STASH_KEY) or {}
        stashed = stash.get("answers") if stash.get("attempt") == attempt.pk else None
        form = AttemptForm(initial=_initial_from(stashed), questions=questions)
        if stashed:
            messages.info(request, "We kept the answers you gave before you were signed out. Check them and submit.")
    return render(request, "modules/attempt.html", _attempt_context(attempt, module, form, questions))


def _outdated(request, attempt, module) -> bool:
    """The module was unpublished or given another quiz since the attempt began; showing it (a GET), also whether a
    question it asks can no longer be drawn. Submitting checks that in the same statement that records the answers
    (`attempt_submit`), so a submission reads nothing more."""
    if isinstance(module, ModulePage) and not services.attempt_fits_module(attempt=attempt, page=module):
        return True
    return request.method == "GET" and quiz_services.attempt_is_outdated(attempt)


def _answers_to_keep(attempt_id: int, data) -> dict[str, list[str]]:
    """Of what was posted, the answers to this open attempt's questions that are among their choices; none for a
    one-answer question sent with two of its choices, which a submission refuses (`sent_several_for_one`): kept, both
    came back ticked, and which one the person meant is not known.

    The visitor is anonymous, so the attempt is not checked against them: nothing about it is shown, and the answers
    are offered back only on the owner's own attempt page once they have signed in.
    """
    attempt = Attempt.objects.filter(pk=attempt_id, submitted_at__isnull=True).only("questions").first()
    if attempt is None:
        return {}
    kept = {}
    for question in attempt.frozen_questions():
        offered = {str(choice.id) for choice in question.choices}
        chosen = [value for value in dict.fromkeys(data.getlist(field_name(question))) if value in offered]
        if chosen and not sent_several_for_one(question, chosen):
            kept[field_name(question)] = chosen
    return kept


def _initial_from(stashed: dict | None) -> dict:
    if not stashed:
        return {}
    return {key: values if len(values) > 1 else values[0] for key, values in stashed.items() if values}


def _attempt_context(attempt, module, form, questions):
    return {
        "attempt": attempt,
        "form": form,
        "module": module,
        "policy": module.policy if module else None,
        "items": [(number, question, form[f"q{question.id}"]) for number, question in enumerate(questions, 1)],
        "errors": form.error_list() + [("attempt-form", e) for e in form.non_field_errors()],
    }


@require_GET
def attempt_result(request, attempt_id: int):
    attempt = _get_attempt_for_user(request.user, attempt_id)
    if attempt is None:
        return _attempt_not_here(request)
    if not attempt.is_submitted:
        return redirect("modules:attempt", attempt_id=attempt.pk)
    page = _module_of(attempt)
    progress = module_progress_for_user(request.user, page) if page else None
    # The failures in a row as this attempt ended them (newest first, from it back): a later attempt's are not its.
    earlier = [a for a in progress.attempts if (a.started_at, a.pk) <= (attempt.started_at, attempt.pk)] if page else []
    failed_run = quiz_services.failed_in_a_row(earlier)
    return render(
        request,
        "modules/attempt_result.html",
        {
            "attempt": attempt,
            "result": attempt.result(),
            "module": page,
            "policy": page.policy if page else None,
            "progress": progress,
            "failed_run": failed_run,
            "advise_reread": failed_run >= attempt.quiz.attempts_before_reread,
        },
    )
