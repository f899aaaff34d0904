"""The staff roster as an import: people.roster plans it; applying it (all or nothing) goes through
compliance.roster, which refreshes the standing of everyone it touches."""

from django.db import transaction
from django.utils import timezone

from portal.people.emails import invitation_send, sign_in_email_changed_send
from portal.people.roster import RosterApplied, RosterPlan, plan_roster

from ..models import ImportBatch
from ..roster import roster_apply
from .base import Importer, Progress


def apply(batch: ImportBatch, plan: RosterPlan, progress: Progress) -> dict:
    """One transaction: a roster is all or nothing. Once it has committed, new people are invited, and whoever's
    sign-in email moved with a confirmed identity change hears of it at both addresses."""
    progress.update(0, plan.rows)  # the page shows "0 of N rows" until the whole roster commits
    with transaction.atomic():
        applied = roster_apply(plan, confirmed_identity=batch.summary.get("confirmed_identity", ""))
        progress.update(plan.rows, plan.rows)
        transaction.on_commit(lambda: _tell(batch, applied))
    progress.committed()
    # A leaver in the file is added (their history counts) but never invited: the page says how many were.
    return {**plan.summary, "invited": len(applied.new_people)}


def _tell(batch: ImportBatch, applied: RosterApplied) -> None:
    for staff in applied.new_people:
        invitation_send(staff)
    for move in applied.moved:
        sign_in_email_changed_send(move.staff, old=move.old, new=move.new, on=timezone.localdate(), by=batch.applied_by)


IMPORTER = Importer(
    kind=ImportBatch.ROSTER,
    title="Import the staff roster",
    noun="roster",
    file_noun="roster file",
    heading="Roster",
    summary="People, their teams, line managers, start and leave dates, from an ESR staff list.",
    help_text="An ESR staff list saved as CSV or Excel (.xlsx), smaller than 5 MB",
    max_bytes=5 * 1024 * 1024,
    plan=plan_roster,
    apply=apply,
    audit_name="Roster",
)
