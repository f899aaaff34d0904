"""Writes for the learning flow: scenario choices and module completion."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.compliance.services import module_completion_evidence

from .models import ModuleCompletion, ModulePage, ScenarioResponse
from .progress import module_progress_for_user, module_quiz_id, scenarios_complete_for_user


class ScenarioChoiceError(Exception):
    pass


class ScenarioHeldError(ScenarioChoiceError):
    pass


class ScenarioGoneError(ScenarioChoiceError):
    """The scenario was taken out of the module (republished without it) after the person opened the page."""


class ScenarioChangedError(ScenarioChoiceError):
    """The scenario was changed (republished) after the person opened the page: the option they chose may be another
    one now."""


def scenario_response_record(
    *, user, page: ModulePage, block_id: str, option_index: int, shown: str | None = None, answered: str | None = None
) -> ScenarioResponse:
    """Record the option a person chose in a scenario, with a copy of the option as it read then. A scenario held
    back for review (see `ModulePage.held_scenario_ids`) takes no answers until an editor has reviewed it; nor does
    one changed since the page showed it (`shown`: its `ScenarioBlock.content_hash` then, the paragraph keys the CMS's
    editor adds aside; a page served before the form carried it sends none).

    `answered`: the person's latest answer here as the page showed it (`ScenarioState.latest_response_id`, "none" for
    none). The same form sent again (a double click, the browser sending it again) finds an answer given since, with
    the same option: that one is returned and nothing new is recorded (invariant 5). Another option, or the same one
    again after another, is an answer of its own. Checked under a lock on the person's row, so two presses at once
    are taken one after the other."""
    block = page.scenario_block(block_id)
    if block is None:
        raise ScenarioGoneError(
            "That scenario is no longer part of this module: the module was changed while you were working through it."
        )
    if block_id in page.held_scenario_ids():
        raise ScenarioHeldError(
            f"“{block.value['title']}” is being reviewed after a change to the policy, so it is not part of the "
            "module for now. You can complete the module without it."
        )
    if shown is not None and shown not in block.block.content_hashes(block.value):
        raise ScenarioChangedError(
            f"“{block.value['title']}” was changed while you were reading it. Read it again, then choose."
        )
    options = block.value["options"]
    if not 0 <= option_index < len(options):
        raise ScenarioChoiceError("Choose one of the options.")
    option = options[option_index]
    with transaction.atomic():
        response = _sent_again(user=user, page=page, block_id=block_id, option_index=option_index, answered=answered)
        if response is None:
            response = ScenarioResponse.objects.create(
                user=user,
                page=page,
                block_id=block_id,
                option_index=option_index,
                option_text=option["text"],
                expected=bool(option["expected"]),
            )
        module_completion_record_if_complete(user=user, page=page)  # records nothing twice
    return response


def _sent_again(*, user, page: ModulePage, block_id: str, option_index: int, answered: str | None):
    """The answer this one repeats: given since the page showed `answered`, with the same option. None for a new
    answer, or a form that does not say what it showed. Two queries, the first the lock."""
    if answered is None:
        return None
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk"))
    latest = ScenarioResponse.objects.filter(user=user, page=page, block_id=block_id).order_by("-created_at", "-pk")
    latest = latest.first()
    if latest is None or str(latest.pk) == answered or latest.option_index != option_index:
        return None
    return latest


def attempt_fits_module(*, attempt, page: ModulePage) -> bool:
    """Whether an attempt begun from `page` still counts for it: the module is published, is not an alias of another
    (`aliasing`: work on one counts for nothing) and its quiz is still the attempt's. From the rows read with the
    attempt (the module's live row and raw stream): no query."""
    return page.live and not page.alias_of_id and module_quiz_id(page) == attempt.quiz_id


def module_completion_record_if_complete(*, user, page: ModulePage, just_passed=None) -> ModuleCompletion | None:
    """Record that the module is complete if every scenario is reached and the module's quiz passed: its quiz now,
    the live version's (a pass at a quiz it has since replaced completes nothing; a completion recorded before the
    quiz was replaced stands, as evidence always does).

    One completion per passing attempt; for a module with no quiz, one each time every scenario is worked through
    again after the last completion. So calling this again changes nothing. The completion is the fact the
    compliance ledger records as evidence; a second one renews a module whose requirement has a renewal period.
    A module with no quiz that a requirement asks for again counts only the answers given since that round began
    (`ModuleProgress.round_to_count_from`), so what completes it is what its page shows as done.

    `just_passed`: an attempt at the module's quiz this request has just recorded as passed (`attempt_submit`'s
    `newly_recorded`). It is the passing attempt, and none can have a completion yet (its pass was not visible to
    anyone before): all that is left to ask is whether the scenarios are done, in one query.

    An alias of a module (made before they were refused, `aliasing`) completes nothing: work is done on the module.
    """
    if page.alias_of_id:
        return None
    if just_passed is not None and just_passed.passed and just_passed.quiz_id == module_quiz_id(page):
        if not scenarios_complete_for_user(user, page):
            return None
        return _completion_record(user=user, page=page, attempt=just_passed, sequence=0)
    progress = module_progress_for_user(user, page)
    if not progress.is_complete:
        return None
    if progress.has_quiz:
        passing = next((attempt for attempt in progress.quiz_attempts if attempt.passed), None)
        if passing is None:
            return None
        existing = next((c for c in progress.completions if c.attempt_id == passing.pk), None)
        return existing or _completion_record_once(user=user, page=page, attempt=passing, sequence=0)
    # Newest first. One from when the module had a quiz (naming its passing attempt) counts as the last completion
    # too: the scenarios must be worked through after it, and the next round of the module's own is numbered on.
    latest = progress.completions[0] if progress.completions else None
    if latest is not None and not progress.worked_through_since(latest.completed_at):
        return latest
    rounds = [completion.sequence for completion in progress.completions if completion.attempt_id is None]
    return _completion_record_once(user=user, page=page, attempt=None, sequence=max(rounds) + 1 if rounds else 0)


def _completion_record_once(*, user, page: ModulePage, attempt, sequence: int) -> ModuleCompletion:
    """Two requests finishing the same round at once record one completion: the second meets the constraint."""
    try:
        with transaction.atomic():
            return _completion_record(user=user, page=page, attempt=attempt, sequence=sequence)
    except IntegrityError:
        return ModuleCompletion.objects.get(user=user, page=page, attempt=attempt, sequence=sequence)


def _completion_record(*, user, page: ModulePage, attempt, sequence: int) -> ModuleCompletion:
    completion = ModuleCompletion.objects.create(
        user=user, page=page, attempt=attempt, sequence=sequence, completed_at=timezone.now()
    )
    score = f", quiz attempt {attempt.pk} scored {attempt.correct_count}/{attempt.total}" if attempt else ""
    module_completion_evidence(  # and for a requirement naming an old alias of the module (`aliasing`)
        user=user,
        page_id=page.pk,
        completion_id=completion.pk,
        completed_at=completion.completed_at,
        source_ref=f"module “{page.title}” completed{score}",
    )
    return completion
