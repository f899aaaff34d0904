"""Who may see whom. Every view that shows a person's records goes through these selectors."""

import contextlib
import contextvars

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from .models import Assignment, StaffMember, Team, TeamManager

HR_GROUP = "HR"
CMS_PERMISSION = ("wagtailadmin", "access_admin")


def _in_hr(user) -> bool:
    if not hasattr(user, "_portal_is_hr"):
        user._portal_is_hr = user.is_superuser or user.groups.filter(name=HR_GROUP).exists()
    return user._portal_is_hr


def is_hr(user) -> bool:
    """HR, in this request: a session that has not proved its second factor acts as plain staff (the check is put
    on the user by portal.accounts.mfa). The session's check comes first: it reads the session's flags, so a manager
    or anyone else who has proved no second factor is answered without asking the database for their groups."""
    return user.is_authenticated and user.privileges_proven() and _in_hr(user)


def holds_privileged_role(user) -> bool:
    """HR or a CMS editor (or a superuser), whatever this session has proved: the roles that need a second factor."""
    return user.is_authenticated and (_in_hr(user) or user.holds_perm("wagtailadmin.access_admin"))


def roles_held(user, **also: Exists) -> dict[str, bool]:
    """The roles `user` holds now, as `_in_hr`, `teams_managed_by` and `holds_perm` count them, whatever this
    session has proved: `hr`, `manager` (of a team today) and `cms` (an editor), in one query. `also` adds more
    `Exists` over the user (`OuterRef("pk")`) to the same query. For what a page shows only: access is decided by
    `is_hr`, `teams_managed_by` and `has_perm`, which read the database each request."""
    none = {"hr": False, "manager": False, "cms": False, **dict.fromkeys(also, False)}
    if not user.is_authenticated:
        return none
    person = OuterRef("pk")
    app_label, codename = CMS_PERMISSION
    cms = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            in_hr=Exists(Group.objects.filter(user=person, name=HR_GROUP)),
            manager=Exists(TeamManager.objects.current().filter(staff__user=person)),
            cms_by_group=Exists(cms.filter(group__user=person)),
            cms_own=Exists(cms.filter(user=person)),
            **also,
        )
        .values("is_superuser", "is_active", "in_hr", "manager", "cms_by_group", "cms_own", *also)
        .first()
    )
    if row is None:
        return none
    superuser = row["is_superuser"] and row["is_active"]  # as ModelBackend grants a superuser every permission
    return {
        "hr": superuser or row["in_hr"],
        "manager": row["manager"],
        "cms": superuser or (row["is_active"] and (row["cms_by_group"] or row["cms_own"])),
        **{name: row[name] for name in also},
    }


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


def staff_list_posted_in(teams, on=None):
    """People who hold a post in `teams` or the teams below them (`Assignment.objects.held` on `on`, default today),
    a second post beside the one their own team comes from, and who are not themselves in those teams: they are
    counted in their own team, and only listed (and their page opened) in the team of that post."""
    posted = Assignment.objects.held(on).in_teams(teams).values("staff_id")
    return StaffMember.objects.filter(pk__in=posted).exclude(pk__in=StaffMember.objects.in_teams(teams).values("pk"))


def staff_list_posted_for_user(user):
    """The people whose page a manager may open because they hold a post in one of the manager's teams today
    (`staff_list_posted_in`), beyond `staff_list_for_user`: the person's page, the team page's list of them and "Find
    a person" (`staff_list_found_by_user`) only, read-only. Nothing else follows a second post (docs/two-clocks.md,
    "A second post")."""
    teams = teams_managed_by(user)
    return staff_list_posted_in(teams) if teams else StaffMember.objects.none()


def staff_list_found_by_user(user, matches: Q, named: Q):
    """The people `user` may find: those `staff_list_for_user` gives who match `matches`, and for a manager, those
    holding a post today in their teams or below (`staff_list_posted_in`: as the team page lists them, live) who
    match `named` (what that page shows of them, their name and number), each marked `seen_through_post` if that is
    the only way the manager sees them. One query for the teams they manage, none for HR."""
    if is_hr(user):
        return StaffMember.objects.filter(matches).annotate(seen_through_post=Value(False))
    teams = teams_managed_by(user)
    own = StaffMember.objects.filter(user=user) if user.is_authenticated else StaffMember.objects.none()
    if not teams:
        return own.filter(matches).annotate(seen_through_post=Value(False))
    own = (StaffMember.objects.in_teams(teams) | own).filter(matches).values("pk")
    posted = staff_list_posted_in(teams).filter(named).values("pk")
    through_post = Case(When(pk__in=own, then=Value(False)), default=Value(True), output_field=BooleanField())
    return StaffMember.objects.filter(Q(pk__in=own) | Q(pk__in=posted)).annotate(seen_through_post=through_post)


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
