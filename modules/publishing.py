"""What publishing a policy or a module means for evidence.

Connected to Wagtail's `page_published` signal (in ModulesConfig.ready) rather than the admin's after_publish_page
hook, because scheduled publishing and workflow approvals publish without passing through the admin edit view,
and a policy version must be frozen however it goes live.
"""

import datetime
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.compliance.models import PolicySnapshot, Requirement
from portal.compliance.requirement_reads import asks_the_account
from portal.compliance.services import reattestation_round_open
from portal.lib.clauses import parse_clause_list
from portal.lib.links import portal_url
from portal.lib.mail import email_send
from quizzes.models import Question

from .models import ModulePage, PolicyPage, ReviewFlag
from .models.policy_versioning import publishing_user
from .review import review_flags_copy_scenarios, review_flags_raise, review_flags_resolve
from .versions import material_reason, policy_snapshot_for_page, version_changes

logger = logging.getLogger(__name__)

# A material version that goes live after its re-attest by date still opens a round: due this long after it went live,
# the four weeks a requirement gives a new starter by default (Requirement.new_starter_days).
LATE_REATTEST_NOTICE = datetime.timedelta(days=28)


def on_page_published(sender, instance, revision=None, **kwargs):
    page = instance.specific
    if not page.live:
        # Wagtail sends the signal when a page never published is scheduled to go live later, too. Nothing has gone
        # live: a version frozen now could be attested before it is published, and named by that evidence even if
        # the schedule were then cancelled. The signal comes again when it goes live (`publish_scheduled`).
        return
    user = getattr(revision, "user", None)  # who wrote the revision
    if isinstance(page, PolicyPage):
        if page.alias_of_id:
            # Wagtail sends the signal for each alias as the original is published: the version is the original's,
            # frozen (and its questions flagged) once, for the original. Aliases of a policy are refused
            # (PolicyPage.clean and save, `aliasing`); this covers one made before. A module's alias goes on:
            # its scenario flags are its own, resolved by its own content.
            return
        # Recorded as published by whoever published it (the moderator approving, say), else by its author (who
        # scheduled it); its author is told if its re-attest by date had passed.
        policy_version_publish(page=page, user=publishing_user() or user, editor=user)
    elif isinstance(page, ModulePage):
        review_flags_resolve(flags=_scenario_flags_changed(page), user=user, resolution="changed")
        # A copy of a module with scenarios held for review (published as it is copied, or later) holds them too, as
        # does a module reverted to a revision from before the change, with the scenarios it held.
        review_flags_copy_scenarios(page)


def policy_version_publish(*, page: PolicyPage, user=None, editor=None) -> PolicySnapshot:
    """Freeze the version staff will attest to, with each changed section's answer (material or minor) as the
    editor chose it for this version. A material change opens a re-attestation round and flags the scenarios and
    questions tagged to the materially changed clauses; a minor change keeps attestations counting. `user` published
    it (the version's "Approved by", who opened the round); `editor` wrote it, `user` if not given."""
    previous = PolicySnapshot.objects.filter(page_id=page.pk).order_by("-created_at", "-pk").first()
    changes = version_changes(page, previous)
    material = previous is None or any(c["change"] == PolicyPage.MATERIAL for c in changes)
    reason = material_reason(changes) if previous else ""
    snapshot = policy_snapshot_for_page(page, material=material, change_reason=reason, changes=changes, user=user)
    if previous is not None and snapshot.pk == previous.pk:
        return snapshot  # published again unchanged: the same version
    rounds = []
    if previous and material:
        clauses = [c["number"] for c in snapshot.material_changes()]
        # The editor's tick counts only when given about this version (not carried over from the last publish).
        reopen = page.reopen_modules and page.change_base == previous.content_hash
        rounds = reattestation_round_open(
            snapshot=snapshot,
            deadline=reattest_deadline_on_publish(page=page, snapshot=snapshot, user=editor or user),
            reason=reason,
            opened_by=user,
            module_page_ids=[m.pk for m in modules_teaching(page, clauses)] if reopen else (),
        )
        review_flags_raise(snapshot=snapshot, clauses=clauses)
    _audit(snapshot, previous, rounds, user or editor)
    return snapshot


def _audit(snapshot: PolicySnapshot, previous: PolicySnapshot | None, rounds: list, user) -> None:
    """The portal's audit log names each version as it goes live, beside the requirements and roles HR changes:
    who published it, what changed and whether everyone must attest again, and by when. Published by someone a
    requirement asks to attest the policy, the line says so (allowed, as a requirement changed by someone it asks is:
    whether a change is material decides whether they, with everyone, must attest again)."""
    attested = Requirement.objects.filter(kind=Requirement.ATTEST_POLICY, page_id=snapshot.page_id, active=True)
    asked = user is not None and any(asks_the_account(requirement, user) for requirement in attested)
    audit_record(
        actor=user or "the CMS",
        action=AuditEvent.POLICY_PUBLISHED,
        scope=f"{snapshot.title}, version {snapshot.version_label}"
        + (": published by someone it asks" if asked else ""),
        page_id=snapshot.page_id,
        snapshot_id=snapshot.pk,
        previous_version=previous.version_label if previous else None,
        material=snapshot.material,
        sections_changed=[change["number"] for change in snapshot.changes],
        reason=snapshot.change_reason,
        reattest_by=rounds[0].deadline.isoformat() if rounds else None,
        requirements_asking_again=[round_.requirement_id for round_ in rounds],
        **({"asked_the_actor": True} if asked else {}),
    )


def reattest_deadline_on_publish(*, page: PolicyPage, snapshot: PolicySnapshot, user=None) -> datetime.date:
    """The re-attest by date of a material version going live today: the editor's, or, when that is not after today
    (the version went live later than planned: a scheduled go-live, a workflow approval), today plus the notice new
    starters get, so the change still counts and nobody is overdue the day it reaches them. The editor whose version
    it is gets an email saying so, and the log a warning."""
    today = timezone.localdate()
    if page.reattest_deadline and page.reattest_deadline > today:
        return page.reattest_deadline
    deadline = today + LATE_REATTEST_NOTICE
    planned = (
        f"its re-attest by date, {page.reattest_deadline:%-d %B %Y}, had passed"
        if page.reattest_deadline
        else "it had no re-attest by date"
    )
    message = (
        f"Version {snapshot.version_label} of the {snapshot.title} went live on {today:%-d %B %Y}, when {planned}. "
        f"It is a material change, so everyone who attested an earlier version must attest again: they have until "
        f"{deadline:%-d %B %Y}, {LATE_REATTEST_NOTICE.days} days from the day it went live."
    )
    logger.warning("%s (policy page %s)", message, page.pk)
    email = getattr(user, "email", "")
    if email:
        edit = portal_url(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        body = f"{message}\n\nThe policy in the CMS: {edit}\n"
        subject = f"{snapshot.title}: re-attest by {deadline:%-d %B %Y}"
        transaction.on_commit(lambda: _editor_email_send(subject=subject, body=body, email=email))
    return deadline


def _editor_email_send(*, subject: str, body: str, email: str) -> None:
    """Sent once the version is live (committed): a mail server that fails is logged, not raised, so that whoever
    published it (a moderator's approval, `publish_scheduled` with other pages due) is not shown an error for a
    version that went live. The log's warning above says the same as the email."""
    try:
        email_send(subject=subject, body=body, to=[email])
    except Exception:
        logger.exception("Could not email %s that %s", email, subject)


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


def _scenario_flags_changed(page: ModulePage):
    """The open flags on `page`'s scenarios whose published content is not what was flagged: edited, or taken out of
    the module. Compared with the hash each flag kept (the paragraph keys the CMS's editor adds aside:
    `ScenarioBlock.content_hashes`), not with an earlier revision: the one before the publish may be a draft, which
    neither staff nor the flag ever saw."""
    live = page.scenario_content_hash_sets()
    open_flags = ReviewFlag.objects.filter(page=page, resolved_at__isnull=True).exclude(block_id="")
    changed = [
        pk
        for pk, block_id, flagged in open_flags.values_list("pk", "block_id", "content_hash")
        if flagged not in live.get(block_id, ())
    ]
    return ReviewFlag.objects.filter(pk__in=changed)
