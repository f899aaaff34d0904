"""Flagging content for review when a material change touches the clauses it is tagged to."""

from django.db import transaction
from django.utils import timezone

from portal.compliance.models import PolicySnapshot
from portal.lib.clauses import parse_clause_list
from quizzes.models import Question

from .models import ModulePage, ReviewFlag


def review_flags_raise(*, snapshot: PolicySnapshot, clauses: list[str]) -> list[ReviewFlag]:
    """Flag every scenario and question tagged to one of `clauses` (the sections `snapshot` changed materially)."""
    touched = set(clauses)
    if not touched:
        return []
    flags = []
    for module in ModulePage.objects.filter(policy_id=snapshot.page_id):
        hashes = module.scenario_content_hashes()
        for block in module.body.raw_data:
            if block["type"] != "scenario":
                continue
            for clause in sorted(set(parse_clause_list(block["value"].get("clauses", ""))) & touched):
                flags.append(
                    ReviewFlag(
                        page=module,
                        block_id=block["id"],
                        content_hash=hashes[block["id"]],
                        clause=clause,
                        snapshot=snapshot,
                    )
                )
    questions = list(Question.objects.filter(clause__in=touched, bank__quizzes__isnull=False).distinct())
    for question in questions:
        flags.append(ReviewFlag(question=question, clause=question.clause, snapshot=snapshot))
    with transaction.atomic():
        created = ReviewFlag.objects.bulk_create(flags)
        # Held back from every quiz until reviewed: nobody is asked about the superseded rule meanwhile.
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(held_for_review=True)
    return created


def review_flags_resolve(*, flags, user, resolution: str) -> int:
    """Mark flags reviewed; a question with no flag left open is drawn in quizzes again."""
    with transaction.atomic():
        question_ids = set(flags.filter(question__isnull=False).values_list("question_id", flat=True))
        resolved = flags.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=user, resolution=resolution
        )
        still_open = ReviewFlag.objects.filter(question_id__in=question_ids, resolved_at__isnull=True)
        Question.objects.filter(pk__in=question_ids).exclude(pk__in=still_open.values("question_id")).update(
            held_for_review=False
        )
    return resolved
