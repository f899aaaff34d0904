"""Writes for quizzes: starting and submitting attempts."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import scoring
from .models import Attempt, Question, Quiz


class AttemptError(Exception):
    """An attempt cannot be submitted as given; the message says why, for the person to act on."""


@dataclass(frozen=True)
class Submission:
    attempt: Attempt
    newly_recorded: bool


def attempt_open_for(*, user, quiz: Quiz, page=None) -> Attempt | None:
    return Attempt.objects.filter(user=user, quiz=quiz, page=page, submitted_at__isnull=True).first()


def attempt_start(*, user, quiz: Quiz, page=None, seed: int | None = None) -> Attempt:
    """Start an attempt, or return the one already open for this person, quiz and module.

    The questions are drawn at random across the clauses the quiz tests (reproducibly from the stored seed) and
    frozen into the attempt.
    """
    existing = attempt_open_for(user=user, quiz=quiz, page=page)
    if existing:
        return existing
    seed = secrets.randbits(48) if seed is None else seed
    clauses = quiz.active_question_clauses()
    if quiz.short_of_reviewed() and (quiz.when_short_of_reviewed == Quiz.PAUSE or not clauses):
        raise AttemptError(
            "This quiz is paused while its questions are checked against the new version of the policy. "
            "Try again in a few days."
        )
    chosen_ids = scoring.draw_question_ids(clauses, quiz.questions_per_attempt, seed)
    by_id = {q.pk: q for q in Question.objects.filter(pk__in=chosen_ids).prefetch_related("choices")}
    frozen = [by_id[pk].freeze(seed).as_dict() for pk in chosen_ids]
    if not frozen:
        raise AttemptError("This quiz has no questions yet. Tell the content team.")
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                user=user, quiz=quiz, page=page, seed=seed, pass_mark=quiz.pass_mark, questions=frozen
            )
    except IntegrityError:
        # Two tabs pressed "start" at once: the other one won; use its attempt.
        return Attempt.objects.get(user=user, quiz=quiz, page=page, submitted_at__isnull=True)


def attempt_submit(*, attempt: Attempt, answers: dict[str, list[str]]) -> Submission:
    """Mark and record an attempt once. A second submission (double click, two tabs, a retry) records nothing.

    The write is a compare-and-set on `submitted_at IS NULL`, so of two concurrent submissions exactly one
    updates the row; the other reads back the stored result.
    """
    questions = attempt.frozen_questions()
    if attempt.is_submitted:
        return Submission(attempt=attempt, newly_recorded=False)
    missing = scoring.unanswered(questions, answers)
    if missing:
        raise AttemptError(f"Answer every question: {len(missing)} not answered.")
    if scoring.foreign_choices(questions, answers):
        raise AttemptError("Some answers were not among the choices offered. Reload the page and try again.")
    result = scoring.mark_attempt(questions, answers, attempt.pass_mark)
    recorded = {
        "answers": {qid: sorted(ids) for qid, ids in answers.items()},
        "submitted_at": timezone.now(),
        "correct_count": result.correct_count,
        "total": result.total,
        "passed": result.passed,
    }
    # One statement, atomic by itself: no savepoint around it.
    updated = Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(**recorded)
    if updated:
        for name, value in recorded.items():
            setattr(attempt, name, value)  # what was written, without reading it back
    else:
        attempt.refresh_from_db()  # the other submission's answers and result, as stored
    return Submission(attempt=attempt, newly_recorded=bool(updated))


def failed_in_a_row(attempts: list[Attempt]) -> int:
    """How many submitted attempts, newest first, failed since the last pass."""
    count = 0
    for attempt in attempts:
        if not attempt.is_submitted:
            continue
        if attempt.passed:
            break
        count += 1
    return count
