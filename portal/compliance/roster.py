"""Applying a roster: people's records change (portal.people.roster) and their standing follows, in one transaction.

The roster's dry run and its changes to people, teams and managers belong to `people`; the status table belongs here
(one gate for standing), so the apply that does both lives in `compliance`.
"""

from django.db import transaction
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.people.emails import invitation_send
from portal.people.roster import RosterPlan, apply_roster_changes, roster_batch_plan

from .projection import refresh


@transaction.atomic
def roster_apply(plan: RosterPlan) -> list:
    """Apply a clean plan and refresh the standing of everyone it created or changed. Returns the people created who
    are still in post (to invite once the transaction commits)."""
    applied = apply_roster_changes(plan)
    refresh(staff_ids=applied.touched_ids)
    return applied.new_people


def roster_batch_apply(*, batch, user, request=None) -> RosterPlan:
    """Apply an uploaded roster, all or nothing, then invite the new people once the transaction has committed. The
    import is audited here, whichever door it came through (the page passes `request`; the command passes no user)."""
    if batch.applied_at:
        raise ValueError("This roster has already been applied.")
    plan = roster_batch_plan(batch)
    with transaction.atomic():
        new_people = roster_apply(plan)
        batch.applied_at = timezone.now()
        batch.summary = plan.summary
        batch.save(update_fields=["applied_at", "summary"])
        audit_record(
            request=request,
            actor=user or "the command line (manage.py import_roster)",
            action=AuditEvent.IMPORT,
            scope=f"Roster {batch.filename}",
            batch=batch.pk,
            **plan.summary,
        )
        transaction.on_commit(lambda: [invitation_send(staff) for staff in new_people])
    return plan
