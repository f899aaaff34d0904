"""A roster row for the person who applies it: it may not change what their training status is worked out from, as
no other way in lets a person change their own standing (portal.compliance.imports.own_records says whose record is
whose at each step)."""

from .plan import RosterPlan

# What a person's status on each requirement is worked out from (portal.compliance.projection): the days they started
# and left, and the team, staff group and job title a requirement's audience is drawn by. Their names, work email,
# employment type and line manager are not read by it (the line manager is told of overdue training, but no due date
# or state depends on who that is), so a row changing only those applies, as does a row changing nothing.
STANDING_FIELDS = ("start_date", "leave_date", "team_id", "staff_group", "job_title")


def own_standing_refuse(plan: RosterPlan, user_id: int | None, reason: str) -> list[tuple[int, str]]:
    """Reject the row that would change a fact the standing of the user `user_id` is worked out from: a change to
    the staff record their account is joined to. A new person's first row is nobody's own record, even when it gives
    an account made before the roster (the first HR officer's) its staff record: that is how the first list is loaded.
    `reason` names the changes where it says "{facts}" ("Start date: 06/01/2020 to 05/12/2026"). Like any rejected
    row, it stops the whole file. Changes `plan` in place; returns (line, reason) for each row rejected."""
    if not user_id:
        return []
    refused = []
    for staff, person, diffs in plan.to_change:
        standing = {name: diffs[name] for name in STANDING_FIELDS if name in diffs}
        if staff.user_id == user_id and standing:
            refused.append((staff.pk, person.line, reason.format(facts="; ".join(plan.describe(standing)))))
    if refused:
        out = {pk for pk, _, _ in refused}
        plan.to_change = [change for change in plan.to_change if change[0].pk not in out]
        plan.leavers = [staff for staff in plan.leavers if staff.pk not in out]
        plan.identity = [change for change in plan.identity if change.staff.pk not in out]
        plan.rejected = sorted(plan.rejected + [(line, text) for _, line, text in refused])
    return [(line, text) for _, line, text in refused]
