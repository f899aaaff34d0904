"""HR makes people managers of teams, and ends it. A team may have several managers; each sees the team and every
team below it from the day they start until the day they stop (`TeamManager.objects.current`).

Ending keeps the row, with its end date, rather than deleting it: who managed a team when (and so who was sent its
escalations and weekly lists) stays answerable from the portal, not only from the audit log, and the same person can
be made manager again later. Each change ends the person's sessions (portal.accounts.receivers) and is audited here,
with the reason, as `manager_changed`.

Nobody makes themselves a manager, as nobody gives themselves the HR role (`hr_roles`): another HR officer must. A
manager sees the records of everyone in the team and below, is sent their escalations, and keeps that after leaving
HR. Stopping managing a team is anyone's to record, their own included: it takes access away, and is audited.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character

from .hr_roles import ask_another_hr
from .models import StaffMember, Team, TeamManager
from .roles import role_change_recorded

REASON_MAX_LENGTH = 1000
EARLIEST = datetime.date(1950, 1, 1)
YEARS_AHEAD = 2


class ManagerError(Exception):
    """The change cannot be made as asked; the message says why. `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def staff_by_employee_number(number: str, *, field: str = "employee_number") -> StaffMember:
    """The person with this employee number (as typed, without surrounding spaces), or ManagerError naming it."""
    number = (number or "").strip()
    if not number:
        raise ManagerError("Enter the person's employee number", field)
    problem = hidden_character(number)
    if problem:
        raise ManagerError(f"The employee number contains {problem}", field)
    staff = StaffMember.objects.select_related("user").filter(employee_number__iexact=number).first()
    if staff is None:
        roster = reverse("imports:upload", args=["roster"])
        raise ManagerError(
            f"Nobody has the employee number '{number[:40]}': check it against ESR, or import the staff roster that "
            f"holds them ({roster})",
            field,
        )
    return staff


def team_manager_add(
    *, team: Team, staff: StaffMember, started_on: datetime.date, reason: str, user, request=None
) -> TeamManager:
    """Make `staff` a manager of `team` from `started_on`. Refused for a closed team, someone who has left, and
    someone already managing the team, and for `user` making themselves a manager (another HR officer must)."""
    if user is not None and staff.user_id is not None and staff.user_id == user.pk:
        raise ManagerError(
            ask_another_hr(user.pk, f"You cannot make yourself a manager of {team.name}", "do it"), "employee_number"
        )
    reason = _clean_reason(reason)
    _check_day(started_on, "started_on", "start date")
    with transaction.atomic():
        team = Team.objects.get(pk=team.pk)
        if team.is_closed:
            raise ManagerError(f"{team.name} is closed, so it cannot have a new manager", "employee_number")
        if staff.has_left():
            raise ManagerError(f"{staff.full_name} ({staff.employee_number}) has left", "employee_number")
        if TeamManager.objects.filter(team=team, staff=staff, ended_on__isnull=True).exists():
            raise ManagerError(f"{staff.full_name} already manages {team.name}", "employee_number")
        with role_change_recorded():
            manager = TeamManager.objects.create(team=team, staff=staff, started_on=started_on)
        _audit(user, request, manager, "added", reason)
    return manager


def team_manager_end(*, manager: TeamManager, ended_on: datetime.date, reason: str, user, request=None) -> TeamManager:
    """Stop `manager` managing their team from `ended_on` (the first day they no longer manage it). An assignment
    already due to end on a later day can be ended sooner; one that has ended stays as it was."""
    reason = _clean_reason(reason)
    _check_day(ended_on, "ended_on", "end date")
    with transaction.atomic():
        manager = TeamManager.objects.select_for_update().select_related("staff", "team").get(pk=manager.pk)
        staff, team = manager.staff.full_name, manager.team.name
        if manager.has_ended():
            raise ManagerError(f"{staff} already stopped managing {team} on {_day(manager.ended_on)}", "ended_on")
        if manager.ended_on is not None and ended_on >= manager.ended_on:
            raise ManagerError(
                f"{staff} already stops managing {team} on {_day(manager.ended_on)}: give an earlier day to end it "
                "sooner",
                "ended_on",
            )
        if ended_on < manager.started_on:
            raise ManagerError(
                f"The end date must be on or after the day they started, {_day(manager.started_on)}", "ended_on"
            )
        manager.ended_on = ended_on
        with role_change_recorded():
            manager.save(update_fields=["ended_on"])
        _audit(user, request, manager, "ended", reason)
    return manager


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ManagerError("Give the reason for the change", "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise ManagerError(f"The reason must be {REASON_MAX_LENGTH} characters or fewer", "reason")
    problem = hidden_character(reason, line_breaks=True)
    if problem:
        raise ManagerError(f"The reason contains {problem}", "reason")
    return reason


def _check_day(day: datetime.date, field: str, label: str) -> None:
    today = timezone.localdate()
    latest = today.replace(year=today.year + YEARS_AHEAD, day=28 if (today.month, today.day) == (2, 29) else today.day)
    if not EARLIEST <= day <= latest:
        raise ManagerError(f"The {label} must be between {_day(EARLIEST)} and {_day(latest)}", field)


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def _audit(user, request, manager: TeamManager, change: str, reason: str) -> None:
    staff, team = manager.staff, manager.team
    verb = "now manages" if change == "added" else "stops managing"
    audit_record(
        actor=user,
        request=request,
        action=AuditEvent.MANAGER_CHANGED,
        scope=f"{staff.full_name} ({staff.employee_number}) {verb} {team.name} ({team.code})",
        staff_id=staff.pk,
        team_id=team.pk,
        change=change,
        started_on=manager.started_on.isoformat(),
        ended_on=manager.ended_on.isoformat() if manager.ended_on else None,
        reason=reason,
    )
