"""Writes for quizzes: starting and submitting attempts."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, Func, IntegerField, Subquery
from django.utils import timezone

from . import scoring
from .models import Attempt, Question, Quiz


class AttemptError(Exception):
    """An attempt cannot be submitted as given; the message says why, for the person to act on."""


class AttemptOutdatedError(AttemptError):
    """The quiz changed under an open attempt: a question it asks can no longer be drawn (held for review after a
    material policy change, retired, or taken out of the quiz's banks), or was flagged for review or edited since the
    attempt began, or the quiz would no longer ask what it asks (its pass mark, its number of questions). It records
    nothing; the person starts again."""


@dataclass(frozen=True)
class Submission:
    attempt: Attempt
    newly_recorded: bool


def attempt_open_for(*, user, quiz: Quiz, page=None) -> Attempt | None:
    return Attempt.objects.filter(user=user, quiz=quiz, page=page, submitted_at__isnull=True).first()


def _drawable(quiz_id: int):
    """The questions the quiz may draw now, as `Quiz.active_question_clauses` decides."""
    return Question.objects.filter(bank__quizzes=quiz_id, active=True, held_for_review=False)


def _count(questions) -> Subquery:
    return Subquery(questions.order_by().values(n=Func(F("pk"), function="COUNT", output_field=IntegerField())))


def _still_asked(quiz_id: int, question_ids: list[int], since):
    """Of these questions, those an attempt begun at `since` may still be marked on: the quiz may still draw them
    (as `Quiz.active_question_clauses` decides), and none was flagged for review or edited since.

    Once a question's flag is resolved it is drawn again, but the attempt holds a frozen copy of it as it was: an
    edit changed what the right answer is, and a flag means a material change to the policy made it worth checking,
    so the old copy is marked against a superseded answer key either way.
    """
    questions = _drawable(quiz_id).filter(pk__in=question_ids)
    return questions.exclude(changed_at__gt=since).exclude(review_flags__raised_at__gt=since)


def _question_ids(attempt: Attempt) -> list[int]:
    return sorted({int(question["id"]) for question in attempt.questions})


def _quiz_as_drawn(attempt: Attempt):
    """The attempt's quiz if it is as the attempt was drawn from: the pass mark the person was told, the number of
    questions per attempt, and, for an attempt drawn short, still keeping on asking fewer (its editor did not pause
    it instead)."""
    quiz = Quiz.objects.filter(
        pk=attempt.quiz_id, pass_mark=attempt.pass_mark, questions_per_attempt=attempt.questions_per_attempt
    )
    return quiz.filter(when_short_of_reviewed=Quiz.KEEP_REVIEWED) if attempt.drawn_short else quiz


def attempt_is_outdated(attempt: Attempt) -> bool:
    """Whether an open attempt asks a question the quiz can no longer draw, or one flagged for review or edited since
    it began, or the quiz is no longer as it was drawn from (`_quiz_as_drawn`), or, drawn short, the quiz may now
    draw more questions than it asks (held ones were reviewed, or questions added). One query, two drawn short
    (the quiz as read with the attempt)."""
    quiz = attempt.quiz
    if (quiz.pass_mark, quiz.questions_per_attempt) != (attempt.pass_mark, attempt.questions_per_attempt):
        return True
    if attempt.drawn_short and quiz.when_short_of_reviewed != Quiz.KEEP_REVIEWED:
        return True
    question_ids = _question_ids(attempt)
    if _still_asked(attempt.quiz_id, question_ids, attempt.started_at).count() != len(question_ids):
        return True
    return attempt.drawn_short and _drawable(attempt.quiz_id).count() != len(question_ids)


def attempt_start(*, user, quiz: Quiz, page=None, seed: int | None = None) -> Attempt:
    """Start an attempt, or return the one already open for this person, quiz and module.

    The questions are drawn at random across the clauses the quiz tests (reproducibly from the stored seed) and
    frozen into the attempt. An open attempt that no longer fits is deleted first: one at another quiz the module
    no longer has, or one that is outdated (`attempt_is_outdated`). Unsubmitted, it is not evidence of
    anything, and deleting it (rather than keeping it marked) frees the one open attempt a person may have.

    A quiz whose banks hold fewer active questions than an attempt asks (`Quiz.short_of_questions`) is paused: an
    attempt of fewer questions would let fewer right answers pass. One short of reviewed questions is paused or asks
    fewer, as its editor chose (`Quiz.when_short_of_reviewed`).
    """
    if page is not None:
        Attempt.objects.filter(user=user, page=page, submitted_at__isnull=True).exclude(quiz=quiz).delete()
    existing = attempt_open_for(user=user, quiz=quiz, page=page)
    if existing:
        existing.quiz = quiz  # the quiz as the caller has it: its pass mark and number of questions are read from it
    if existing and not attempt_is_outdated(existing):
        return existing
    if existing:
        Attempt.objects.filter(pk=existing.pk, submitted_at__isnull=True).delete()
    seed = secrets.randbits(48) if seed is None else seed
    clauses = quiz.active_question_clauses()
    held = quiz.held_question_count()
    if not clauses and not held:
        raise AttemptError("This quiz has no questions yet. Tell the content team.")
    if quiz.short_of_questions(active_count=len(clauses) + held):
        raise AttemptError("This quiz is paused while the content team add questions to it. Try again in a few days.")
    short_of_reviewed = bool(held) and len(clauses) < quiz.questions_per_attempt  # as `Quiz.short_of_reviewed`
    if short_of_reviewed and (quiz.when_short_of_reviewed == Quiz.PAUSE or not clauses):
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
                user=user,
                quiz=quiz,
                page=page,
                seed=seed,
                pass_mark=quiz.pass_mark,
                questions_per_attempt=quiz.questions_per_attempt,
                questions=frozen,
            )
    except IntegrityError:
        # Two tabs pressed "start" at once: the other one won; use its attempt.
        return Attempt.objects.get(user=user, quiz=quiz, page=page, submitted_at__isnull=True)


def attempt_submit(*, attempt: Attempt, answers: dict[str, list[str]]) -> Submission:
    """Mark and record an attempt once. A second submission (double click, two tabs, a retry) records nothing.

    The write is a compare-and-set on `submitted_at IS NULL`, so of two concurrent submissions exactly one
    updates the row; the other reads back the stored result. The same statement checks that every question asked
    can still be drawn and has not been flagged for review or edited since the attempt began; if not, it records
    nothing and raises `AttemptOutdatedError`; so it does when the quiz's pass mark is no longer the attempt's (the
    mark the person was told), or it asks another number of questions per attempt than the attempt was drawn with
    (5 right of 5 must not pass a quiz that now asks 10): an editor changed it since. An attempt drawn short (too
    few questions reviewed) records only while a fresh start would ask as few: the quiz still keeps asking the
    reviewed questions, and may draw no more of them than the attempt asks.
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
    # One statement, atomic by itself: no savepoint around it. Whether the questions still stand is a subquery of
    # it, so the check costs no statement of its own and cannot go stale before the write.
    question_ids = _question_ids(attempt)
    still_asked = _count(_still_asked(attempt.quiz_id, question_ids, attempt.started_at))
    unchanged = Attempt.objects.alias(still_asked=still_asked).filter(
        Exists(_quiz_as_drawn(attempt)), pk=attempt.pk, submitted_at__isnull=True, still_asked=len(question_ids)
    )
    if attempt.drawn_short:
        unchanged = unchanged.alias(drawable=_count(_drawable(attempt.quiz_id))).filter(drawable=len(question_ids))
    updated = unchanged.update(**recorded)
    if updated:
        for name, value in recorded.items():
            setattr(attempt, name, value)  # what was written, without reading it back
        return Submission(attempt=attempt, newly_recorded=True)
    attempt.refresh_from_db()  # the other submission's answers and result, as stored
    if not attempt.is_submitted:
        raise AttemptOutdatedError("The quiz changed since you started it. Start the quiz again.")
    return Submission(attempt=attempt, newly_recorded=False)


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
