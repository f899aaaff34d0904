"""Someone taken on again: a roster start date after the leave date that closed their account. The account is the
old one (it goes with the employee number), but the access was the old job's: their groups (HR, the CMS's), their own
permissions, superuser, their authenticator app and the teams they managed end when the roster takes them on again,
each audited, and the dry run lists them under "Taken on again" with what ends. They set up their own second factor
as any new starter does, and HR gives the new job's roles again if it has them.

A leave date cleared or moved on with the same start date (a termination withdrawn) is the same period of employment:
nothing ends. Nor does it for a return recorded ahead, before the leave date has passed: they still hold the job the
roles are for, and the account has not been closed.
"""

import datetime
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.csvfiles import show_date

from ..models import StaffMember, TeamManager

ACTOR = "a roster import"


@dataclass
class OldRoles:
    """What ends for someone taken on again (`staff`, who left on `left` and starts again on `start`)."""

    staff: StaffMember
    left: datetime.date
    start: datetime.date
    groups: list[str] = field(default_factory=list)
    permissions: int = 0  # permissions given to the account itself
    superuser: bool = False
    authenticator: bool = False
    managed: list[TeamManager] = field(default_factory=list)  # appointments from before they left, still open

    @property
    def manager_ends_on(self) -> datetime.date:
        """The first day they no longer manage the old job's teams: the day after they left."""
        return self.left + datetime.timedelta(days=1)

    @property
    def why(self) -> str:
        return f"taken on again from {show_date(self.start)}, after leaving on {show_date(self.left)}"

    def described(self) -> list[str]:
        """What ends, in words: "Group HR", "Manager of Finance", ..."""
        ends = [f"Group {name}" for name in self.groups]
        if self.permissions:
            ends.append(f"{self.permissions} permission{'s' if self.permissions != 1 else ''} of their own")
        if self.superuser:
            ends.append("Superuser")
        if self.authenticator:
            ends.append("Their authenticator app (they set up their own again)")
        ends += [f"Manager of {m.team.name} (ended the day after they left)" for m in self.managed]
        return ends


def taken_on_again(staff: StaffMember, diffs: dict) -> bool:
    """Whether the change gives someone who had left a start date after their leave date: a new period of
    employment (`people.history.employment_periods`), not a corrected one. `staff` may hold the old values or the
    new: the old leave date is read from `diffs` when it changes."""
    if "start_date" not in diffs:
        return False
    left = _left(staff, diffs)
    return left is not None and diffs["start_date"][1] > left


def old_roles(to_change: list, today: datetime.date) -> list[OldRoles]:
    """Of the people to change, those taken on again whose leave date has passed (their account closed at it), with
    what of the old job's access they hold (perhaps nothing), in file order. Four queries, whatever the number of
    people; none if nobody is taken on again."""
    again = [
        OldRoles(staff=staff, left=_left(staff, diffs), start=diffs["start_date"][1])
        for staff, _, diffs in to_change
        if taken_on_again(staff, diffs) and _left(staff, diffs) < today
    ]
    if not again:
        return []
    user_ids = [found.staff.user_id for found in again if found.staff.user_id]
    User = get_user_model()
    groups, accounts, authenticators = {}, {}, set()
    if user_ids:
        for user_id, name in User.groups.through.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "group__name"
        ):
            groups.setdefault(user_id, []).append(name)
        accounts = {
            row["pk"]: row
            for row in User.objects.filter(pk__in=user_ids)
            .annotate(own_permissions=Count("user_permissions", distinct=True))
            .values("pk", "is_superuser", "is_staff", "own_permissions")
        }
        authenticators = set(Authenticator.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    managers = (
        TeamManager.objects.filter(staff__in=[found.staff for found in again])
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today))
        .select_related("team")
        .order_by("team__path", "pk")
    )
    by_staff = {}
    for manager in managers:
        by_staff.setdefault(manager.staff_id, []).append(manager)
    for found in again:
        account = accounts.get(found.staff.user_id, {})
        found.groups = sorted(groups.get(found.staff.user_id, []))
        found.permissions = account.get("own_permissions", 0)
        found.superuser = bool(account.get("is_superuser") or account.get("is_staff"))
        found.authenticator = found.staff.user_id in authenticators
        found.managed = [m for m in by_staff.get(found.staff.pk, []) if m.started_on <= found.left]
    return again


def old_roles_end(to_change: list, today: datetime.date) -> list[OldRoles]:
    """End the old job's access of everyone `old_roles` finds, and audit it: one line per person naming all that
    ended, and one per team they no longer manage, as HR's ending of an appointment is. An appointment HR has ended
    already (a handover set) is left as HR set it; one still open, or ending later, ends the day after they left.
    Their sessions end (the session epoch is raised), as every change to someone's access does."""
    ending = [found for found in old_roles(to_change, today) if found.described()]
    if not ending:
        return []
    User = get_user_model()
    user_ids = [found.staff.user_id for found in ending if found.staff.user_id]
    User.groups.through.objects.filter(user_id__in=user_ids).delete()
    User.user_permissions.through.objects.filter(user_id__in=user_ids).delete()
    User.objects.filter(pk__in=user_ids).update(
        is_superuser=False, is_staff=False, session_epoch=F("session_epoch") + 1
    )
    Authenticator.objects.filter(user_id__in=user_ids).delete()  # its receiver ends the sessions again: harmless
    appointments = []
    for found in ending:
        for manager in found.managed:
            manager.ended_on = found.manager_ends_on
            appointments.append(manager)
    TeamManager.objects.bulk_update(appointments, ["ended_on"])
    for found in ending:
        _audit(found)
    return ending


def _audit(found: OldRoles) -> None:
    staff = found.staff
    who = staff.user.email if staff.user_id else f"{staff.full_name} ({staff.employee_number})"
    audit_record(
        actor=ACTOR,
        action=AuditEvent.ROLE_CHANGED,
        scope=f"{who}: {found.why}; ended: {'; '.join(found.described())}",
        user_id=staff.user_id,
        staff_id=staff.pk,
        groups=found.groups,
        superuser=found.superuser,
        authenticator=found.authenticator,
        teams=[manager.team_id for manager in found.managed],
    )
    for manager in found.managed:
        audit_record(
            actor=ACTOR,
            action=AuditEvent.MANAGER_CHANGED,
            scope=f"{staff.full_name} ({staff.employee_number}) stops managing {manager.team.name} "
            f"({manager.team.code})",
            staff_id=staff.pk,
            team_id=manager.team_id,
            change="ended",
            started_on=manager.started_on.isoformat(),
            ended_on=manager.ended_on.isoformat(),
            reason=found.why,
        )


def _left(staff: StaffMember, diffs: dict) -> datetime.date | None:
    return diffs["leave_date"][0] if "leave_date" in diffs else staff.leave_date
