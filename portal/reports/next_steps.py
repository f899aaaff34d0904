"""What the home page tells a signed-in person to do next: each policy that changed materially since they attested
it (with the sections and the date to re-attest by), then whatever else is overdue or due soon, and by when."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from portal.compliance import status
from portal.compliance.policy_versions import PolicyChangeNotice, policy_change_notices_for_staff
from portal.people.models import StaffMember
from portal.people.roles import staff_for_user

from .selectors import RequirementLine, due_soon_days, requirement_lines_for_staff


@dataclass(frozen=True)
class NextSteps:
    staff: StaffMember
    policy_changes: list[PolicyChangeNotice]
    due: list[RequirementLine]  # overdue first, then due soon, the earliest date first within each
    due_soon_days: int


def next_steps_for_user(user, today: datetime.date | None = None) -> NextSteps | None:
    """None for a visitor who is not signed in, or has no staff record. A requirement that a policy-change notice
    already explains (the policy changed, re-attest by D) is not listed again among what is due.

    Four queries: the staff record, the attestation rows (the notices), the requirement rows with their requirement
    and page, the certificates waiting for HR; one more when the person attested a policy (its latest re-attestation
    round) and one more when a round is waiting for them (the versions since), however many notices; five more when a
    module is among what is due, for how far the person has got in it (so a module begun says "Continue", as on My
    training).
    """
    staff = staff_for_user(user)
    if staff is None:
        return None
    today = today or timezone.localdate()
    notices = policy_change_notices_for_staff(staff)
    explained = {notice.requirement_id for notice in notices}
    due = [
        line
        for line in requirement_lines_for_staff(staff, today, learning_for=user)
        if line.state in {status.OVERDUE, status.DUE_SOON} and line.row.requirement_id not in explained
    ]
    return NextSteps(staff=staff, policy_changes=notices, due=due, due_soon_days=due_soon_days())
