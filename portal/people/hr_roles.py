"""HR grants the HR role and takes it away, with a reason. Nobody changes their own role (another HR officer must),
and the last HR officer cannot be removed, so the organisation is never left without one; nor can the account of the
last who can sign in be closed or deleted in the CMS (`hr_officers_closing_leaves_none`, portal.accounts.wagtail_hooks).

The role is membership of the HR group. Adding or removing it ends the person's sessions (the `m2m_changed`
receiver in portal.accounts.receivers), so they sign in again and an HR session proves its second factor afresh;
the audit line (`role_changed`, with who made the change and why) is written here, once.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.text import hidden_character

from .models import StaffMember
from .roles import HR_GROUP, hr_group, role_change_recorded

REASON_MAX_LENGTH = 1000


class RoleError(Exception):
    """The role cannot be changed as asked; the message says why. `field` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def hr_officers():
    """The people who hold the HR role, by name, with their staff records."""
    return (
        get_user_model()
        .objects.filter(groups__name=HR_GROUP)
        .select_related("staff")
        .order_by("last_name", "first_name", "email")
    )


def _hr_officers_who_can_sign_in():
    """The accounts that hold the HR role and can sign in: open, and their holder not left."""
    left = Q(staff__leave_date__isnull=False, staff__leave_date__lt=timezone.localdate())
    return get_user_model().objects.filter(groups__name=HR_GROUP, is_active=True).exclude(left)


def hr_colleague_can_sign_in(user_id: int) -> bool:
    """Whether someone other than the user `user_id` holds the HR role and can sign in (their account open, and not
    left): whom a refusal of a person's own record can send them to. One query."""
    return _hr_officers_who_can_sign_in().exclude(pk=user_id).exists()


def hr_officers_closing_leaves_none(user_ids: set[int]) -> list:
    """The HR officers who can sign in, by name, when closing or deleting the accounts `user_ids` would leave none
    who can: all of them are among `user_ids`. Otherwise [], as when none can sign in already (closing an account
    then takes nothing more from HR). Reopening an account is never refused by this: call it only for closing. One
    query (the officers who can sign in: the HR group is a handful of people, whatever the organisation's size)."""
    officers = list(_hr_officers_who_can_sign_in().order_by("last_name", "first_name", "email"))
    if officers and all(officer.pk in user_ids for officer in officers):
        return officers
    return []


def ask_another_hr(user_id: int, refused: str, then: str) -> str:
    """A refusal of the user `user_id`'s own record: `refused` ("You cannot void your own evidence"), then whom to
    ask. Another member of HR, or, when they are the only one who can sign in, the way out rather than a colleague
    who does not exist: `then` is what that colleague will do ("void it")."""
    if hr_colleague_can_sign_in(user_id):
        return f"{refused}. Ask another member of HR."
    return (
        f"{refused}, and you are the only member of HR who can sign in, so it waits until someone else can: give a "
        f"colleague the HR role on the HR roles page and ask them to {then}."
    )


def hr_role_grant(*, staff: StaffMember, reason: str, user, request=None):
    """Give `staff`'s account the HR role. Returns the account."""
    reason = _clean_reason(reason)
    account = staff.user
    if account is None:
        raise RoleError(
            f"{staff.full_name} ({staff.employee_number}) has no account to sign in with", "employee_number"
        )
    if account.pk == user.pk:
        raise RoleError("You cannot give yourself the HR role: another HR officer must", "employee_number")
    if staff.has_left() or not account.is_active:
        raise RoleError(f"{staff.full_name} ({staff.employee_number}) has left", "employee_number")
    with transaction.atomic():
        group = _locked_hr_group()
        if account.groups.filter(pk=group.pk).exists():
            raise RoleError(f"{staff.full_name} already has the HR role", "employee_number")
        with role_change_recorded():
            account.groups.add(group)
        _audit(user, request, account, "granted", reason)
    return account


def hr_role_remove(*, account, reason: str, user, request=None) -> None:
    """Take the HR role from `account` (a user)."""
    reason = _clean_reason(reason)
    if account.pk == user.pk:
        raise RoleError(own_role_removal(user.pk), "reason")
    with transaction.atomic():
        group = _locked_hr_group()
        if not account.groups.filter(pk=group.pk).exists():
            raise RoleError(f"{account.display_name} does not have the HR role", "reason")
        # Counted as whom the role serves: a leaver still in the group (the roster leaves roles as they are) or an
        # account closed by hand is no HR officer, so removing the last who can sign in leaves none.
        if not hr_colleague_can_sign_in(account.pk):
            raise RoleError(
                f"{account.display_name} is the last HR officer who can sign in, so the role cannot be removed",
                "reason",
            )
        with role_change_recorded():
            account.groups.remove(group)
        _audit(user, request, account, "removed", reason)


def own_role_removal(user_id: int) -> str:
    """Why nobody removes their own HR role, and who can: another HR officer, or, for the only one who can sign in,
    nobody until a colleague has the role (the portal always keeps one)."""
    if hr_colleague_can_sign_in(user_id):
        return "You cannot remove your own HR role: another HR officer must"
    return (
        "You cannot remove your own HR role, and you are the only HR officer who can sign in, so nobody can yet: give "
        "a colleague the HR role on this page first, then ask them to remove yours"
    )


def _locked_hr_group() -> Group:
    """The HR group, locked until the transaction ends: two officers removing each other at once are taken one after
    the other, so the second sees that only one would be left."""
    return Group.objects.select_for_update().get(pk=hr_group().pk)


def hr_officers_lock() -> None:
    """Hold the HR role's lock (`_locked_hr_group`) until the transaction ends. Whatever checks that someone is left
    to do HR's work and then changes who can (the role taken away here, an officer's account closed or deleted in the
    CMS: portal.accounts.middleware) holds it from the check to the commit, so two such changes at once are taken one
    after the other and the second is checked against what the first did. On SQLite a transaction that writes holds
    the whole database from its start (they begin IMMEDIATE), and this changes nothing."""
    _locked_hr_group()


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RoleError("Give the reason for the change", "reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise RoleError(f"The reason must be {REASON_MAX_LENGTH} characters or fewer", "reason")
    problem = hidden_character(reason, line_breaks=True)
    if problem:
        raise RoleError(f"The reason contains {problem}", "reason")
    return reason


def _audit(user, request, account, change: str, reason: str) -> None:
    staff = getattr(account, "staff", None)
    audit_record(
        actor=user,
        request=request,
        action=AuditEvent.ROLE_CHANGED,
        scope=f"{account.email} {'added to' if change == 'granted' else 'removed from'} {HR_GROUP}",
        user_id=account.pk,
        staff_id=staff.pk if staff else None,
        role=HR_GROUP,
        change=change,
        reason=reason,
    )
