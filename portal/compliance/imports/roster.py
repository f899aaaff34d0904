"""The staff roster as an import: people.roster plans it; applying it (all or nothing) goes through
compliance.roster, which refreshes the standing of everyone it touches."""

from django.db import transaction

from portal.people.emails import invitation_send
from portal.people.roster import RosterPlan, plan_roster

from ..models import ImportBatch
from ..roster import roster_apply
from .base import Importer, Progress


def apply(batch: ImportBatch, plan: RosterPlan, progress: Progress) -> dict:
    """One transaction: a roster is all or nothing. New people are invited once it has committed."""
    progress.update(0, plan.rows)  # the page shows "0 of N rows" until the whole roster commits
    with transaction.atomic():
        new_people = roster_apply(plan, confirmed_identity=batch.summary.get("confirmed_identity", ""))
        progress.update(plan.rows, plan.rows)
        transaction.on_commit(lambda: [invitation_send(staff) for staff in new_people])
    progress.committed()
    return plan.summary


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
