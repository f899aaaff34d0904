"""Who may see whom. Every view that shows a person's records goes through these selectors."""

import contextlib
import contextvars

from django.contrib.auth.models import Group

from .models import StaffMember, Team, TeamManager

HR_GROUP = "HR"


def _in_hr(user) -> bool:
    if not hasattr(user, "_portal_is_hr"):
        user._portal_is_hr = user.is_superuser or user.groups.filter(name=HR_GROUP).exists()
    return user._portal_is_hr


def is_hr(user) -> bool:
    """HR, in this request: a session that has not proved its second factor acts as plain staff (the check is put
    on the user by portal.accounts.mfa)."""
    return user.is_authenticated and _in_hr(user) and user.privileges_proven()


def holds_privileged_role(user) -> bool:
    """HR or a CMS editor (or a superuser), whatever this session has proved: the roles that need a second factor."""
    return user.is_authenticated and (_in_hr(user) or user.holds_perm("wagtailadmin.access_admin"))


def hr_group() -> Group:
    return Group.objects.get_or_create(name=HR_GROUP)[0]


def staff_for_user(user) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    return StaffMember.objects.filter(user=user).select_related("team").first()


def teams_managed_by(user) -> list[Team]:
    if not user.is_authenticated:
        return []
    current = TeamManager.objects.current().filter(staff__user=user)
    return list(Team.objects.filter(pk__in=current.values("team_id")).order_by("path"))


def staff_list_for_user(user):
    """The staff `user` may see: everyone for HR, their teams and the teams below for a manager, else themselves."""
    if is_hr(user):
        return StaffMember.objects.all()
    teams = teams_managed_by(user)
    if teams:
        return StaffMember.objects.in_teams(teams) | StaffMember.objects.filter(user=user)
    return StaffMember.objects.filter(user=user)


_change_recorded = contextvars.ContextVar("portal_role_change_recorded", default=False)


@contextlib.contextmanager
def role_change_recorded():
    """Around a role change (a group, a team manager) made by a service that writes its own audit line, with who made
    it and why: the receivers in portal.accounts.receivers still end the person's sessions, but write no second,
    reasonless line. Changes made any other way (a shell, the Django admin) are still audited by the receivers."""
    token = _change_recorded.set(True)
    try:
        yield
    finally:
        _change_recorded.reset(token)


def role_change_is_recorded() -> bool:
    return _change_recorded.get()
