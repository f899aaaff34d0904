"""What publishing a policy or a module means for evidence.

Connected to Wagtail's `page_published` signal (in ModulesConfig.ready) rather than the admin's after_publish_page
hook, because scheduled publishing and workflow approvals publish without passing through the admin edit view,
and a policy version must be frozen however it goes live.
"""

import json

from django.utils import timezone

from portal.compliance.models import PolicySnapshot
from portal.compliance.services import reattestation_round_open
from portal.lib.clauses import parse_clause_list
from quizzes.models import Question

from .models import ModulePage, PolicyPage, ReviewFlag
from .review import review_flags_raise, review_flags_resolve
from .versions import material_reason, policy_snapshot_for_page, version_changes


def on_page_published(sender, instance, revision=None, **kwargs):
    page = instance.specific
    user = getattr(revision, "user", None)
    if isinstance(page, PolicyPage):
        policy_version_publish(page=page, user=user)
    elif isinstance(page, ModulePage):
        changed = ReviewFlag.objects.filter(page=page, block_id__in=_scenario_ids_changed(page))
        review_flags_resolve(flags=changed, user=user, resolution="changed")


def policy_version_publish(*, page: PolicyPage, user=None) -> PolicySnapshot:
    """Freeze the version staff will attest to, with each changed section's answer (material or minor) as the
    editor chose it for this version. A material change opens a re-attestation round and flags the scenarios and
    questions tagged to the materially changed clauses; a minor change keeps attestations counting."""
    previous = PolicySnapshot.objects.filter(page_id=page.pk).order_by("-created_at", "-pk").first()
    changes = version_changes(page, previous)
    material = previous is None or any(c["change"] == PolicyPage.MATERIAL for c in changes)
    reason = material_reason(changes) if previous else ""
    snapshot = policy_snapshot_for_page(page, material=material, change_reason=reason, changes=changes, user=user)
    if previous and snapshot.pk != previous.pk and material:
        clauses = [c["number"] for c in snapshot.material_changes()]
        if page.reattest_deadline and page.reattest_deadline > timezone.localdate():
            # The editor's tick counts only when given about this version (not carried over from the last publish).
            reopen = page.reopen_modules and page.change_base == previous.content_hash
            reattestation_round_open(
                snapshot=snapshot,
                deadline=page.reattest_deadline,
                reason=reason,
                opened_by=user,
                module_page_ids=[m.pk for m in modules_teaching(page, clauses)] if reopen else (),
            )
        review_flags_raise(snapshot=snapshot, clauses=clauses)
    return snapshot


def modules_teaching(policy: PolicyPage, clauses: list[str]) -> list[ModulePage]:
    """The modules of `policy` that teach one of `clauses`: the sections the module says it covers, or a scenario or
    a question of its quiz tagged to one."""
    touched = set(clauses)
    linked = []
    for module in ModulePage.objects.filter(policy=policy):
        tagged = set(module.clause_list)
        for child in module.body:
            if child.block_type == "scenario":
                tagged |= set(parse_clause_list(child.value.get("clauses", "")))
            elif child.block_type == "quiz" and child.value["quiz"] is not None:
                banks = child.value["quiz"].banks.all()
                tagged |= set(Question.objects.filter(bank__in=banks).values_list("clause", flat=True))
        if tagged & touched:
            linked.append(module)
    return linked


def _scenario_ids_changed(page: ModulePage) -> list[str]:
    live = {b["id"]: b["value"] for b in page.body.raw_data if b["type"] == "scenario"}
    previous = {}
    earlier = page.revisions.order_by("-created_at", "-id")[1:2]
    for revision in earlier:
        body = revision.content.get("body") or []
        if isinstance(body, str):
            body = json.loads(body)
        previous = {b["id"]: b["value"] for b in body if b.get("type") == "scenario"}
    return [block_id for block_id, value in live.items() if previous.get(block_id) != value]
