"""Flagging content for review when a material change touches the clauses it is tagged to."""

from django.db import transaction
from django.utils import timezone

from portal.compliance.models import PolicySnapshot
from portal.lib.clauses import parse_clause_list
from quizzes.content import question_content_hash
from quizzes.models import Choice, Question, Quiz

from .models import ModulePage, ReviewFlag


def review_flags_raise(*, snapshot: PolicySnapshot, clauses: list[str]) -> list[ReviewFlag]:
    """Flag every scenario and question tagged to one of `clauses` (the sections `snapshot` changed materially) in
    the policy's modules and their quizzes (`_quizzes_of_policy`)."""
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
    quizzes = _quizzes_of_policy(snapshot.page_id)
    questions = list(Question.objects.filter(clause__in=touched, bank__quizzes__in=quizzes).distinct())
    hashes = question_content_hashes([question.pk for question in questions])
    for question in questions:
        flags.append(
            ReviewFlag(question=question, content_hash=hashes[question.pk], clause=question.clause, snapshot=snapshot)
        )
    with transaction.atomic():
        created = ReviewFlag.objects.bulk_create(flags)
        # Held back from every quiz until reviewed: nobody is asked about the superseded rule meanwhile.
        Question.objects.filter(pk__in=[q.pk for q in questions]).update(held_for_review=True)
    return created


def _quizzes_of_policy(policy_id: int) -> list[int]:
    """The quizzes whose questions' clauses are the policy's sections: those placed on one of its modules, and those
    placed on no module yet (nobody takes them until they are, perhaps on one of its modules). A question names its
    clause by number alone, and another policy has its own section 6.2. Two queries."""
    placed: dict[int, set[int]] = {}
    for policy, body in ModulePage.objects.values_list("policy_id", "body"):
        for block in body.raw_data:
            if block["type"] == "quiz" and block["value"].get("quiz"):
                placed.setdefault(block["value"]["quiz"], set()).add(policy)
    return [pk for pk in Quiz.objects.values_list("pk", flat=True) if policy_id in placed.get(pk, {policy_id})]


def question_content_hashes(question_ids: list[int]) -> dict[int, str]:
    """Each question's content hash (`quizzes.content.question_content_hash`), by id. Two queries."""
    choices: dict[int, list[tuple[str, str, bool]]] = {}
    rows = Choice.objects.filter(question_id__in=question_ids).values_list(
        "question_id", "text", "feedback", "is_correct"
    )
    for question_id, text, feedback, is_correct in rows:
        choices.setdefault(question_id, []).append((text, feedback, is_correct))
    return {
        pk: question_content_hash(kind=kind, scenario=scenario, stem=stem, choices=choices.get(pk, []))
        for pk, kind, scenario, stem in Question.objects.filter(pk__in=question_ids).values_list(
            "pk", "kind", "scenario", "stem"
        )
    }


def review_flags_of_question_changed(question: Question):
    """The question's open flags whose content it no longer holds, as saved now: its kind, scenario, stem or choices
    differ from what was flagged. Saved otherwise (Save pressed with nothing changed, unticked, moved to another bank)
    it still asks what it did when its clause changed, so its flags stay open until an editor changes it or marks it
    still correct. A flag without a hash (none is left open: migration 0012 hashed those raised before the hash was
    kept) is resolved by any save, as before. Three queries."""
    current = question_content_hashes([question.pk]).get(question.pk, "")
    return ReviewFlag.objects.filter(question_id=question.pk, resolved_at__isnull=True).exclude(content_hash=current)


def review_flags_copy_to(question: Question) -> list[ReviewFlag]:
    """A question added with the content of one held for review (the CMS's Copy of it, saved unchanged) asks the
    superseded rule too: flagged as that one is, for each change holding it, and held until reviewed. Four queries."""
    content_hash = question_content_hashes([question.pk]).get(question.pk, "")
    held = ReviewFlag.objects.filter(question__isnull=False, resolved_at__isnull=True, content_hash=content_hash)
    flags = [
        ReviewFlag(question=question, content_hash=content_hash, clause=clause, snapshot_id=snapshot_id)
        for snapshot_id, clause in held.values_list("snapshot_id", "clause").distinct().order_by("snapshot_id")
    ]
    if not flags:
        return []
    with transaction.atomic():
        created = ReviewFlag.objects.bulk_create(flags)
        Question.objects.filter(pk=question.pk).update(held_for_review=True)
    return created


def review_flags_copy_scenarios(page: ModulePage) -> list[ReviewFlag]:
    """The scenarios of `page` with content a material change held for review, which no editor has confirmed still
    correct, teach the superseded rule: content held on a module of its policy (the CMS's Copy page of that module,
    published; a scenario duplicated in the module), or content held once and changed since that is back (the
    module reverted, in the CMS's Revisions, to a revision from before the change; the scenario put back as it was).
    Flagged as that content was, for each change holding it, and held until reviewed. A scenario held on `page` for
    that change already, or confirmed there, is left as it is. Content is compared by `ScenarioBlock.content_hashes`
    (the paragraph keys the CMS's editor adds aside). One query, and one write."""
    hashes = page.scenario_content_hash_sets()
    rows = ReviewFlag.objects.filter(
        page__isnull=False, content_hash__in=set().union(*hashes.values()), snapshot__page_id=page.policy_id
    ).values_list("page_id", "block_id", "content_hash", "snapshot_id", "clause", "resolution")
    superseded: dict[str, set[tuple[int, str]]] = {}
    confirmed, kept = set(), set()
    for page_id, block_id, content_hash, snapshot_id, clause, resolution in rows:
        if resolution == "confirmed":
            confirmed.add((content_hash, snapshot_id, clause))
        else:  # held, or changed since
            superseded.setdefault(content_hash, set()).add((snapshot_id, clause))
        if page_id == page.pk and resolution != "changed":
            kept.add((block_id, snapshot_id, clause))  # held here already, or confirmed here
    stored = page.scenario_content_hashes()  # what a new flag keeps, as `review_flags_raise` keeps it
    flags = [
        ReviewFlag(page=page, block_id=block_id, content_hash=stored[block_id], clause=clause, snapshot_id=snapshot_id)
        for block_id, variants in hashes.items()
        for snapshot_id, clause in sorted(set().union(*(superseded.get(h, ()) for h in variants)))
        if (block_id, snapshot_id, clause) not in kept
        and not any((h, snapshot_id, clause) in confirmed for h in variants)
    ]
    return ReviewFlag.objects.bulk_create(flags) if flags else []


def held_scenarios_notice(page: ModulePage) -> str:
    """What the editor publishing `page` is told of its scenarios held back from staff, or "". One query."""
    flags = (
        ReviewFlag.objects.filter(page=page, resolved_at__isnull=True).exclude(block_id="").select_related("snapshot")
    )
    titles = {child.id: child.value["title"] for child in page.scenario_blocks()}
    held = [
        f"“{titles[flag.block_id]}” (clause {flag.clause}, changed materially in version {flag.snapshot.version_label})"
        for flag in flags.order_by("raised_at", "pk")
        if flag.block_id in titles
    ]
    if not held:
        return ""
    return (
        f"Held back from staff until reviewed: {'; '.join(held)}. Staff do not see it until an editor changes it, "
        "or marks it reviewed under Content to review (“Still correct: mark reviewed”) if it is still correct."
    )


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
