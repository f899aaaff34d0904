"""The roster's dry run as its page shows it, kept on the batch (`summary["dry_run"]`) when the file is planned, so
that opening the page does not plan the whole file again: for a large trust's ESR report that is 6-7 seconds and
hundreds of megabytes of a web worker each time (docs/benchmarks.md).

What is kept is what the page lists (the people to add and to change up to the first SHOWN of each, with how many
more; every identity change, leaver, returner and rejected row, since each must be read), and the plan's fingerprint
(`RosterPlan.fingerprint`). The apply plans the file again against the records as they are then; asked for from the
page, it applies only if that plan's fingerprint is the one the page showed (portal.compliance.imports.services)."""

from django.utils import timezone

from portal.people.roster import STANDING_FIELDS, RosterPlan
from portal.people.roster.rehired import old_roles

from ..roster_audiences import audiences_changed, roster_fact_counts

# How many people to add, and to change, the page lists before saying how many more.
SHOWN = 200


def roster_dry_run_kept(plan: RosterPlan, fingerprint: str) -> dict:
    """The dry run of `plan` as the page shows it, as JSON; `fingerprint` is the plan's as the file and the records
    made it (before any row was refused as someone's own record). One query (everyone's facts, for who must do
    what)."""
    changes = plan.other_changes
    return {
        "made_at": timezone.now().isoformat(),
        "fingerprint": fingerprint,
        "rows": plan.rows,
        "counts": {
            "to_create": len(plan.to_create),
            "to_change": len(plan.to_change),
            "other_changes": len(changes),
            "leavers": len(plan.leavers),
            "rejected": len(plan.rejected),
            "line_managers_cleared": plan.line_managers_cleared,
        },
        "can_apply": plan.can_apply,
        "errors": plan.errors,
        "unused": plan.unused,
        "ignored": plan.ignored,
        "hidden": plan.hidden,
        "unmatchable": plan.unmatchable,
        "identity": [
            {
                "line": change.person.line,
                "employee_number": change.staff.employee_number,
                "name": change.staff.full_name,
                "reused": change.reused,
                "changes": change.changes,
            }
            for change in plan.identity
        ],
        "identity_fingerprint": plan.identity_fingerprint,
        "to_create": [
            {
                "employee_number": person.employee_number,
                "name": f"{person.fields['first_name']} {person.fields['last_name']}",
                "work_email": person.fields["work_email"],
                "assignments": person.assignments,
            }
            for person in plan.to_create[:SHOWN]
        ],
        "to_change": [
            {"employee_number": staff.employee_number, "name": staff.full_name, "changes": lines}
            for staff, lines in changes[:SHOWN]
        ],
        "leavers": [[staff.employee_number, staff.full_name] for staff in plan.leavers],
        "returners": [[staff.employee_number, staff.full_name] for staff in plan.returners],
        # and of those, the people taken on again, with what of the old job's access ends (none: no query)
        "taken_on_again": [
            [found.staff.employee_number, found.staff.full_name, found.described()]
            for found in old_roles(plan.to_change, timezone.localdate())
        ],
        # Who must do what: the people counted by their facts, now and once applied; the requirements in use are
        # judged against them each time the page is opened (`roster_dry_run_shown`), so one made since is not missed
        "audience_counts": roster_fact_counts(plan),
        # The accounts whose standing a row changes: one of them looking at the page, or asking to apply it, has the
        # file planned again for them, their rows refused (`own_records`)
        "standing_of": sorted(
            {staff.user_id for staff, _, diffs in plan.to_change if staff.user_id and diffs.keys() & STANDING_FIELDS}
        ),
        # and their staff records: one joined to an account since is that account's too (`services._theirs`)
        "standing_staff": sorted({staff.pk for staff, _, diffs in plan.to_change if diffs.keys() & STANDING_FIELDS}),
    }


def roster_dry_run_shown(kept: dict) -> dict:
    """A kept dry run as the page shows it: with who must do what, the requirements in use now judged against the
    people it counted (`audiences`, and `emptied`, those that would apply to no one). Three queries."""
    audiences = audiences_changed(kept["audience_counts"])
    return {**kept, "audiences": audiences, "emptied": [change for change in audiences if change.to_no_one]}
