"""What a client limited to a team may not take from its own people: access beyond its teams.

A leave date ends a person's access (their account closes the day after it, and the sign-in refuses them from then:
portal.people.leavers), and clearing one gives it back. For most people in a team's teams that access is the team's
own business; for someone who holds the HR role, editor or administrator rights, or manages a team outside them, it
is a role the organisation gave them, which only HR changes (another officer, with a reason: portal.people.hr_roles;
managers on HR's organisation pages). So a team's client may not set or clear such a person's leave date
(`writes._check_roster_in_scope`, when the request comes and again in the task worker)."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef

from portal.people.models import StaffMember, TeamManager
from portal.people.roles import CMS_PERMISSION, HR_GROUP

ROLES = {
    "hr": "the HR role",
    "cms": "editor rights in the CMS",
    "admin": "administrator rights",
    "manages": "the management of a team outside this client's teams",
}


def roles_beyond(path: str, numbers) -> dict[str, list[str]]:
    """For each of these employee numbers, of people in the teams at `path`, the roles their account holds beyond
    those teams, in words; someone who holds none is left out. A closed account counts as holding them: clearing the
    leave date opens it again. One query."""
    app_label, codename = CMS_PERMISSION
    editing = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    account = OuterRef("user_id")
    rows = (
        StaffMember.objects.filter(employee_number__in=list(numbers), team__path__startswith=path, user__isnull=False)
        .annotate(
            hr=Exists(Group.objects.filter(user=account, name=HR_GROUP)),
            cms_by_group=Exists(editing.filter(group__user=account)),
            cms_own=Exists(editing.filter(user=account)),
            manages=Exists(
                TeamManager.objects.current().filter(staff=OuterRef("pk")).exclude(team__path__startswith=path)
            ),
        )
        .values_list(
            "employee_number", "hr", "cms_by_group", "cms_own", "user__is_superuser", "user__is_staff", "manages"
        )
    )
    held = {}
    for number, hr, cms_by_group, cms_own, superuser, staff, manages in rows:
        flags = {"hr": hr, "cms": cms_by_group or cms_own, "admin": superuser or staff, "manages": manages}
        roles = [words for role, words in ROLES.items() if flags[role]]
        if roles:
            held[number] = roles
    return held
