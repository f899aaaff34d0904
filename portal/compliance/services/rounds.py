"""Publishing a policy version (its frozen snapshot) and the re-attestation rounds a material change opens, and
withdrawing a round opened in error: each refreshes the status of everyone on the requirements it touches, and a
withdrawal is audited, in one transaction."""

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character

from ..models import PolicySnapshot, ReattestationRound, Requirement, RoundWithdrawal
from ..models.ledger import snapshot_hash
from ..policy_versions import material_since
from ..requirement_reads import asks_the_account, status_holders
from .evidence import EvidenceError
from .refresh import status_refresh_for


def policy_snapshot_create(
    *,
    page,
    version_label: str,
    effective_date: datetime.date,
    title: str,
    sections: list[dict],
    material: bool,
    change_reason: str = "",
    changes: list[dict] | None = None,
    created_by=None,
) -> PolicySnapshot:
    """Freeze a published policy version: its title and text, section by section, and the hash of both
    (`PolicySnapshot.TITLE_AND_TEXT`: a version whose title alone changed is another text), with what changed since
    the version before, section by section, as the editor answered (`changes`)."""
    text = "\n\n".join(f"{s['number']} {s['heading']}\n{s['text']}".strip() for s in sections)
    recipe = PolicySnapshot.TITLE_AND_TEXT
    return PolicySnapshot.objects.create(
        page=page,
        version_label=version_label,
        effective_date=effective_date,
        title=title,
        text=text,
        sections=sections,
        content_hash=snapshot_hash(title=title, text=text, recipe=recipe),
        hash_recipe=recipe,
        material=material,
        change_reason=change_reason,
        changes=changes or [],
        created_by=created_by,
    )


def reattestation_round_open(
    *,
    snapshot: PolicySnapshot,
    deadline: datetime.date,
    reason: str,
    opened_by=None,
    module_page_ids: Iterable[int] = (),
) -> list[ReattestationRound]:
    """Open a round for every attestation requirement on this policy and, when the editor chose to reopen them,
    every module requirement naming one of `module_page_ids` (modules teaching a materially changed section: whoever
    completed one before the round opened completes it again by `deadline`). Everyone's status on each requirement
    is refreshed as `requirement_save` does it: in this transaction for a few people, in the task worker once the
    rounds are committed for many, so a publish does not hold every submission back while the whole organisation's
    status is recomputed."""
    if deadline <= timezone.localdate():
        raise EvidenceError("The re-attestation deadline must be in the future.")
    requirements = Requirement.objects.filter(
        Q(kind=Requirement.ATTEST_POLICY, page_id=snapshot.page_id)
        | Q(kind=Requirement.COMPLETE_MODULE, page_id__in=list(module_page_ids))
    )
    rounds = []
    not_asked_again = versions_saying_the_same(snapshot)
    with transaction.atomic():
        for requirement in requirements:
            rounds.append(
                ReattestationRound.objects.create(
                    requirement=requirement,
                    snapshot=snapshot,
                    deadline=deadline,
                    reason=reason,
                    opened_by=opened_by,
                    not_asked_again=not_asked_again if requirement.kind == Requirement.ATTEST_POLICY else [],
                )
            )
            # A round changes when its holders are due, never who is required: those with a row or a run on it.
            status_refresh_for(requirement, status_holders(requirement))
    return rounds


def versions_saying_the_same(snapshot: PolicySnapshot) -> list[int]:
    """The earlier versions of `snapshot`'s policy that it changes in no section materially (`material_since`): one
    whose text it brings back, or changes only in minor ways since. Whoever attested one of them has attested what
    `snapshot` asks. One query and a comparison per version, once per publish."""
    versions = PolicySnapshot.objects.filter(page_id=snapshot.page_id, created_at__lte=snapshot.created_at)
    earlier = [
        v for v in versions.order_by("created_at", "pk") if (v.created_at, v.pk) < (snapshot.created_at, snapshot.pk)
    ]
    published = [*earlier, snapshot]
    return [version.pk for version in earlier if not material_since(version, snapshot, published)]


class RoundError(Exception):
    """The re-attestation round cannot be withdrawn as asked; the message says why."""


def reattestation_round_withdraw(*, round_: ReattestationRound, reason: str, user, request=None) -> RoundWithdrawal:
    """Withdraw a round opened in error (a change marked material by mistake, a wrong deadline), before or after its
    deadline: from now on it asks nothing of anyone. The reverse of `reattestation_round_open`: a withdrawal row (the
    round itself is kept as it was opened), then everyone's status on its requirement, rows and runs in effective
    time, refreshed the same way (in this transaction for a few people, in the task worker for many), and a line in
    the audit log, in one transaction. No evidence is touched: the attestations and completions made for the round
    stay in the ledger and count as any other. A round already withdrawn is refused, naming when and by whom."""
    reason = reason.strip()
    if not reason:
        raise RoundError("Give the reason for withdrawing the round.")
    problem = hidden_character(reason, line_breaks=True)
    if problem:
        raise RoundError(f"The reason contains {problem}. Type it again without it.")
    with transaction.atomic():
        # The round's row, locked, tells two HR officers withdrawing it at once apart (the one-to-one refuses the
        # second on SQLite, which does not lock rows).
        rounds = ReattestationRound.objects.select_for_update(of=("self",)).select_related("requirement", "snapshot")
        round_ = rounds.get(pk=round_.pk)
        _refuse_withdrawn(round_)
        try:
            with transaction.atomic():
                withdrawal = RoundWithdrawal.objects.create(
                    round=round_, withdrawn_at=timezone.now(), withdrawn_by=user, reason=reason
                )
        except IntegrityError:
            _refuse_withdrawn(round_)
            raise
        requirement = round_.requirement
        people = status_holders(requirement)
        in_background = status_refresh_for(requirement, people)
        # Allowed, as a change to the requirement is, but said (`own_scope`): the round asked them too
        asked = ": withdrawn by someone it asks" if asks_the_account(requirement, user) else ""
        audit_record(
            actor=user,
            action=AuditEvent.ROUND_WITHDRAWN,
            scope=f"{requirement.name}: re-attest to {round_.snapshot.title} version {round_.snapshot.version_label}"
            + asked,
            request=request,
            round_id=round_.pk,
            requirement_id=requirement.pk,
            snapshot_id=round_.snapshot_id,
            opened_at=round_.opened_at.isoformat(),
            deadline=round_.deadline.isoformat(),
            reason=reason,
            people=len(people),
            in_background=in_background,
        )
    return withdrawal


def _refuse_withdrawn(round_: ReattestationRound) -> None:
    withdrawal = RoundWithdrawal.objects.filter(round=round_).select_related("withdrawn_by").first()
    if withdrawal is not None:
        by = getattr(withdrawal.withdrawn_by, "display_name", "") or getattr(withdrawal.withdrawn_by, "email", "")
        raise RoundError(
            f"This round was already withdrawn on {timezone.localtime(withdrawal.withdrawn_at):%-d %B %Y at %H:%M}"
            f"{f' by {by}' if by else ''}. Nothing more was recorded."
        )
