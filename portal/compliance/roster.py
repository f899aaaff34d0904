"""Applying a roster: people's records change (portal.people.roster) and their standing follows, in one transaction.

The roster's dry run and its changes to people, teams and managers belong to `people`; the status table belongs here
(one gate for standing), so the apply that does both lives in `compliance`. Uploading, the task that applies it and
its audit line are the import pipeline's (portal.compliance.imports).
"""

from django.db import transaction

from portal.people.roster import RosterApplied, RosterPlan, apply_roster_changes

from .ledger import people_lock
from .projection import refresh


@transaction.atomic
def roster_apply(plan: RosterPlan, *, confirmed_identity: str = "") -> RosterApplied:
    """Apply a clean plan and refresh the standing of everyone it created or changed. Returns what to tell people once
    the transaction commits: the people created who are still in post (to invite) and the accounts whose sign-in
    email moved. Identity changes need `confirmed_identity` (people.roster.apply_roster_changes)."""
    applied = apply_roster_changes(plan, confirmed_identity=confirmed_identity)
    people_lock(applied.touched_ids)
    refresh(staff_ids=applied.touched_ids)
    return applied
