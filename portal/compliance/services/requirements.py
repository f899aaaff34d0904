"""Adding, changing, retiring, putting back and deleting a requirement: everyone the change touches has their status
refreshed, its history and the audit log are written, in one transaction."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.people.models import Team

from ..intervals import audience_ever_ids
from ..mappings import competence_mappings_delete_for
from ..models import Requirement
from ..requirement_history import requirement_change_record, terms_to_keep
from ..requirement_reads import (
    asks_the_account,
    own_scope,
    refuse_a_new_task_on_record,
    requirement_history_refusal,
    requirement_measured_refusal,
    requirement_on_record,
    requirement_terms,
    saved_as,
    status_holders,
    team_codes,
)
from .refresh import status_refresh_for

# What decides who a requirement applies to and when they are due; a change to anything else touches no one's status.
STANDING_FIELDS = (
    "kind",
    "page",
    "applies_to_everyone",
    "staff_groups",
    "teams",
    "job_title_patterns",
    "level_family",
    "level",
    "renewal_months",
    "new_starter_days",
    "introduced_on",
    "active",
)
# What a requirement's history keeps (`RequirementChange`): a change to any of these adds a row.
HISTORY_FIELDS = ("name", *(field for field in STANDING_FIELDS if field != "page"))
# A change to these in a level family changes what the other levels' evidence is worth.
LEVEL_FIELDS = ("level_family", "level", "renewal_months")


SAVED_SINCE_OPENED = (
    "Someone saved this requirement after you opened this page, so saving it would undo their change. Nothing was "
    "saved: open the requirement again to see what they changed, then make your change."
)


class RequirementError(Exception):
    """The requirement cannot be changed as asked; the message says why."""


def requirement_save(
    *, requirement: Requirement, user, teams: Iterable[Team] | None = None, opened_as: str | None = None
) -> dict:
    """Add `requirement` (unsaved) or save the changes made to it, with the teams it applies to (None leaves its
    teams as they are). Everyone the change touches, whom it applied to before or applies to now, has their status
    refreshed: in this transaction for a few people, in the task worker once it commits for many. Records who changed
    what in the audit log, and returns the changes as {field: [before, after]}.

    Retiring (`active` off) needs a reason (`retired_reason`) and stamps the day (`retired_on`): reports as at
    earlier days still count the requirement, live figures no longer do. Putting it back in use clears both. A change
    to a level family refreshes the other levels of the family too (a higher level's evidence satisfies them). What
    people must do (the kind, the page) cannot change once evidence, a certificate or a round names the requirement:
    the refusal (a ValidationError on that field) says to add a new one and retire this one.

    `opened_as`: what the edit page carried of the requirement as saved when it was opened (`saved_as`). Another
    save since (the other door, another tab) refuses this one, a ValidationError saying so, nothing changed: it would
    put back what the page showed. None (a page without it, the retire and reinstate buttons) saves as asked."""
    with transaction.atomic():
        added = requirement.pk is None
        previous = None if added else Requirement.objects.select_for_update().get(pk=requirement.pk)
        if previous is not None and opened_as is not None and opened_as != saved_as(previous):
            raise ValidationError(SAVED_SINCE_OPENED)
        if not requirement.active and (previous is None or previous.active):
            requirement.retired_on = timezone.localdate()
        elif requirement.active:
            requirement.retired_on, requirement.retired_reason = None, ""
        if previous is not None and (previous.kind, previous.page_id) != (requirement.kind, requirement.page_id):
            refuse_a_new_task_on_record(previous, "kind" if previous.kind != requirement.kind else "page")
        requirement.full_clean()
        before = {} if added else requirement_terms(previous)
        asked_before = not added and asks_the_account(previous, user)  # before its teams change below
        codes_before = set() if added else team_codes(previous)
        kept_before = None if added else terms_to_keep(previous)
        requirement.save()
        if teams is not None:
            requirement.teams.set(teams)
        after = requirement_terms(requirement)
        changes = {field: [before.get(field), value] for field, value in after.items() if before.get(field) != value}
        if not added and team_codes(requirement) != codes_before:  # teams are told apart by code, not by name
            changes["teams"] = [before["teams"], after["teams"]]
        if added or any(field in changes for field in HISTORY_FIELDS):
            # Its history, so that a report about an earlier day reads its terms as they stood then.
            team_ids = requirement.teams.values_list("pk", flat=True)
            requirement_change_record(requirement, team_ids=team_ids, before=kept_before)
        touched = set()
        if added or any(field in changes for field in STANDING_FIELDS):
            touched = status_holders(requirement) | audience_ever_ids(requirement)
        in_background = status_refresh_for(requirement, touched)
        families = {family for family in (before.get("level_family"), requirement.level_family) if family}
        if families and not added and any(field in changes for field in LEVEL_FIELDS):
            for member in Requirement.objects.filter(level_family__in=families).exclude(pk=requirement.pk):
                in_background |= status_refresh_for(member, status_holders(member) | audience_ever_ids(member))
        own = {}
        if asked_before and any(field in changes for field in STANDING_FIELDS):
            own = {"asked_the_actor": [True, asks_the_account(requirement, user)]}
        audit_record(
            actor=user,
            action=AuditEvent.REQUIREMENT_CHANGED,
            scope=own_scope(requirement.name, *own.get("asked_the_actor", [False, False])),
            requirement_id=requirement.pk,
            change="added" if added else "changed",
            fields=changes,
            people=len(touched),
            in_background=in_background,
            **own,
        )
    return changes


def requirement_retire(*, requirement: Requirement, user, reason: str) -> dict:
    """Retire `requirement` from today, with the reason: `requirement_save` with `active` off."""
    requirement.active, requirement.retired_reason = False, reason.strip()
    return requirement_save(requirement=requirement, user=user)


def requirement_reinstate(*, requirement: Requirement, user) -> dict:
    """Put a retired requirement back in use: `requirement_save` with `active` on."""
    requirement.active = True
    return requirement_save(requirement=requirement, user=user)


def requirement_delete_refusal(requirement: Requirement) -> str:
    """Why `requirement` cannot be deleted, in the words `requirement_delete` refuses with, or "" if it can be: for a
    page to say before it asks for a confirmation that would be refused."""
    if requirement_on_record(requirement):
        return (
            f"“{requirement}” has evidence recorded against it, so it cannot be deleted: retire it instead by "
            "unticking “Active”. People keep their history, and it stops counting from then on."
        )
    return requirement_history_refusal(requirement) or requirement_measured_refusal(requirement)


def requirement_delete(*, requirement: Requirement, user) -> None:
    """Remove a requirement added by mistake, that nobody was ever measured against. One with evidence, a certificate
    or a re-attestation round against it is part of the record and cannot be removed, and so is one an evidence pack
    names, one with reminders sent or figures kept for a past day (`requirement_history_held`), or one anyone has a
    status row or a run on (`requirement_measured_refusal`: what reports about past days read): retire it instead. A
    refusal changes nothing and writes no audit line: the line and the mappings' deletion go back with it."""
    if refusal := requirement_delete_refusal(requirement):
        raise RequirementError(refusal)
    with transaction.atomic():
        audit_record(
            actor=user,
            action=AuditEvent.REQUIREMENT_CHANGED,
            scope=requirement.name,
            requirement_id=requirement.pk,
            change="deleted",
            fields=requirement_terms(requirement),
            people=0,
            in_background=False,
        )
        competence_mappings_delete_for(requirement=requirement, user=user)
        try:
            requirement.delete()
        except ProtectedError as error:  # an evidence pack filtered to it (reports, which this app cannot import)
            # ... or, since the check, a reminder, a day's figures or someone's status (the task worker's refresh)
            if refusal := requirement_history_refusal(requirement) or requirement_measured_refusal(requirement):
                raise RequirementError(refusal) from error
            packs = sorted(str(record) for record in error.protected_objects)
            what = "an evidence pack" if len(packs) == 1 else f"{len(packs)} evidence packs"
            named = "; ".join(packs[:3]) + ("; ..." if len(packs) > 3 else "")
            raise RequirementError(
                f"“{requirement}” is named by {what} ({named}), so it cannot be deleted: retire it instead "
                "by unticking “Active”. People keep their history, and it stops counting from then on."
            ) from error
