"""The organisation hierarchy as an import: people.organisation_import plans it; applying creates, renames and moves
teams through the same services as the HR organisation pages (portal.compliance.organisation: each checks, writes
and audits one change, and a move refreshes the status of the people below the team, or leaves a large refresh to the
task worker), all in one transaction: all or nothing, under the tree's lock, which the apply takes before it plans the
file again (`Importer.lock`)."""

from django.db import transaction

from portal.people.models import Team
from portal.people.organisation_import import OrganisationPlan, plan_organisation

from .. import organisation
from ..models import ImportBatch
from .base import SHOWN, Importer, Progress


def apply(batch: ImportBatch, plan: OrganisationPlan, progress: Progress) -> dict:
    user = batch.applied_by or batch.applied_via or "the command line (manage.py import_file)"
    total = len(plan.to_create) + len(plan.to_rename) + len(plan.to_move)
    people = 0
    progress.update(0, total)
    with transaction.atomic():
        for row in plan.to_create:  # parents before children
            parent = _team(row.parent_code)
            organisation.team_create(name=row.name, code=row.code, kind=row.kind, parent=parent, user=user)
        for team, row in plan.to_rename:
            organisation.team_rename(team=team, name=row.name, code=row.code, user=user)
        for team, row, _ in plan.to_move:  # in the new tree's order: each new parent is in place already
            moved = organisation.team_move(team=team, parent=_team(row.parent_code), user=user)
            people += moved["people"]
        progress.update(total, total)
    return {**plan.summary, "people_refreshed": people}


def dry_run_kept(plan: OrganisationPlan, fingerprint: str) -> dict:
    """The dry run as the batch page shows it, as JSON, kept on the batch so that opening the page does not read the
    file again: the counts, and the first SHOWN teams to add, rename and move and rows rejected. No query."""
    return {
        "rows": plan.rows,
        "counts": {
            "to_create": len(plan.to_create),
            "to_rename": len(plan.to_rename),
            "to_move": len(plan.to_move),
            "unchanged": plan.unchanged,
            "rejected": len(plan.rejected),
        },
        "can_apply": plan.can_apply,
        "problems": plan.problems,
        "unused": plan.unused,
        "ignored": plan.ignored,
        "hidden": plan.hidden,
        "rejected": plan.rejected[:SHOWN],
        "to_create": [
            {"code": row.code, "name": row.name, "parent_code": row.parent_code, "kind": row.kind}
            for row in plan.to_create[:SHOWN]
        ],
        "to_rename": [
            {"now": f"{team.code} {team.name}", "becomes": f"{row.code} {row.name}"}
            for team, row in plan.to_rename[:SHOWN]
        ],
        "to_move": [
            {"team": f"{row.code} {row.name}", "from": old_parent, "to": row.parent_code}
            for _, row, old_parent in plan.to_move[:SHOWN]
        ],
    }


def _team(code: str) -> Team | None:
    return Team.objects.get(code__iexact=code) if code else None


IMPORTER = Importer(
    kind=ImportBatch.ORGANISATION,
    title="Import the organisation's teams",
    noun="organisation file",
    file_noun="organisation file",
    heading="Organisation",
    summary="Teams, their codes and where each sits in the tree, from an ESR organisation hierarchy.",
    help_text="An ESR organisation hierarchy saved as CSV or Excel (.xlsx), smaller than 5 MB",
    max_bytes=5 * 1024 * 1024,
    plan=lambda data, **_options: plan_organisation(data),
    apply=apply,
    audit_name="Organisation",
    dry_run_kept=dry_run_kept,
    lock=organisation.tree_lock,
)
