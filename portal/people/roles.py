"""Who may see whom. Every view that shows a person's records goes through these selectors."""

from django.contrib.auth.models import Group

from .models import StaffMember, Team

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
    return list(Team.objects.filter(managers__staff__user=user).order_by("path"))


def staff_list_for_user(user):
    """The staff `user` may see: everyone for HR, their teams and the teams below for a manager, else themselves."""
    if is_hr(user):
        return StaffMember.objects.all()
    teams = teams_managed_by(user)
    if teams:
        return StaffMember.objects.in_teams(teams) | StaffMember.objects.filter(user=user)
    return StaffMember.objects.filter(user=user)
