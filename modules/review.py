"""Flagging content for review when a material change touches the clauses it is tagged to."""

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
        for block in module.body.raw_data:
            if block["type"] != "scenario":
                continue
            for clause in sorted(set(parse_clause_list(block["value"].get("clauses", ""))) & touched):
                flags.append(ReviewFlag(page=module, block_id=block["id"], clause=clause, snapshot=snapshot))
    for question in Question.objects.filter(clause__in=touched, bank__quizzes__isnull=False).distinct():
        flags.append(ReviewFlag(question=question, clause=question.clause, snapshot=snapshot))
    return ReviewFlag.objects.bulk_create(flags)


def review_flags_resolve(*, flags, user, resolution: str) -> int:
    return flags.filter(resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user, resolution=resolution
    )
