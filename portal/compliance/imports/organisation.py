"""The organisation hierarchy as an import: people.organisation_import plans it; applying creates, renames and moves
teams in one transaction (all or nothing), then brings the status of everyone in a moved team in step with where it
now sits, a chunk of people at a time under the ledger's lock (requirements set for a team apply to the teams below
it, so a move changes who must do what).

The tree writes are the three `_team_*` functions below. The HR organisation pages are getting services for the same
writes (team_create, team_rename, team_move in portal.compliance.organisation, with their own checks and audit
lines); once those are in the tree these three become calls to them, and nothing else here changes.
"""

from django.db import transaction

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.people.models import StaffMember, Team
from portal.people.organisation_import import OrganisationPlan, OrganisationRow, plan_organisation

from .. import projection, services
from ..models import ImportBatch
from .base import Importer, Progress

REFRESH_CHUNK = 500  # people per transaction when a move changes their status


def apply(batch: ImportBatch, plan: OrganisationPlan, progress: Progress) -> dict:
    actor = batch.applied_by or batch.applied_via or "the command line (manage.py import_file)"
    total = len(plan.to_create) + len(plan.to_rename) + len(plan.to_move)
    progress.update(0, total)
    with transaction.atomic():
        for row in plan.to_create:  # parents before children
            _team_create(row, _team(row.parent_code), actor, batch)
        for team, row in plan.to_rename:
            _team_rename(Team.objects.get(pk=team.pk), row, actor, batch)
        moved = []
        for team, row, _ in plan.to_move:  # in the new tree's order: each new parent is in place already
            moved.append(_team_move(Team.objects.get(pk=team.pk), _team(row.parent_code), actor, batch))
        progress.update(total, total)
    progress.committed()
    staff_ids = sorted(
        {
            pk
            for team in moved
            for pk in StaffMember.objects.filter(team__path__startswith=team.path).values_list("pk", flat=True)
        }
    )
    for start in range(0, len(staff_ids), REFRESH_CHUNK):
        with transaction.atomic():
            services._ledger_hold()
            projection.refresh(staff_ids=staff_ids[start : start + REFRESH_CHUNK])
        progress.committed()
    return {**plan.summary, "people_refreshed": len(staff_ids)}


def _team(code: str) -> Team | None:
    return Team.objects.get(code__iexact=code) if code else None


def _team_create(row: OrganisationRow, parent: Team | None, actor, batch) -> Team:
    fields = {"name": row.name, "code": row.code, "kind": row.kind}
    team = parent.add_child(**fields) if parent is not None else Team.add_root(**fields)
    _audit(actor, batch, team, "added", parent=parent.code if parent else None, kind=row.kind)
    return team


def _team_rename(team: Team, row: OrganisationRow, actor, batch) -> Team:
    before = {"name": team.name, "code": team.code}
    team.name, team.code = row.name, row.code
    team.save(update_fields=["name", "code"])
    _audit(actor, batch, team, "renamed", before=before, after={"name": row.name, "code": row.code})
    return team


def _team_move(team: Team, parent: Team | None, actor, batch) -> Team:
    old_parent = team.get_parent()
    if parent is None:
        team.move(Team.get_first_root_node(), pos="sorted-sibling")
    else:
        team.move(parent, pos="sorted-child")
    team.refresh_from_db()
    _audit(
        actor,
        batch,
        team,
        "moved",
        before={"parent": old_parent.code if old_parent else None},
        after={"parent": parent.code if parent else None},
    )
    return team


def _audit(actor, batch, team: Team, change: str, **detail) -> None:
    if batch.applied_from:
        detail["ip"] = batch.applied_from
    audit_record(
        actor=actor,
        action=AuditEvent.TEAM_CHANGED,
        scope=f"{team.name} ({team.code})",
        team_id=team.pk,
        change=change,
        import_batch=batch.pk,
        **detail,
    )


IMPORTER = Importer(
    kind=ImportBatch.ORGANISATION,
    title="Import the organisation's teams",
    noun="organisation file",
    file_noun="organisation file",
    heading="Organisation",
    summary="Teams, their codes and where each sits in the tree, from an ESR organisation hierarchy.",
    help_text="An ESR organisation hierarchy saved as CSV, smaller than 5 MB",
    max_bytes=5 * 1024 * 1024,
    plan=plan_organisation,
    apply=apply,
    audit_name="Organisation",
)
