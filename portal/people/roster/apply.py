"""Applying a clean plan to people, teams, managers and accounts, in one transaction (`apply_roster_changes`):
leavers' accounts closed, returners' opened again, confirmed new work emails moved to the account."""

from collections import defaultdict
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record

from ..history import staff_changes_record
from ..leavers import leaver_accounts_close
from ..models import Assignment, StaffMember
from .plan import RosterPlan, _returners
from .rehired import old_roles_end, taken_on_again

TRACKED = (
    "first_name",
    "last_name",
    "work_email",
    "job_title",
    "staff_group",
    "team_id",
    "start_date",
    "leave_date",
    "employment_type",
)


@dataclass
class SignInMoved:
    """A confirmed change of work email that moved the person's account with it: both addresses are to be told."""

    staff: StaffMember
    old: str
    new: str


@dataclass
class RosterApplied:
    # StaffMember rows to invite once the transaction commits: those created and still in post, and those whose account
    # the roster opened again who have no password yet
    new_people: list
    touched_ids: list  # every StaffMember created or changed: their standing must follow (portal.compliance.roster)
    moved: list[SignInMoved] = field(default_factory=list)  # accounts whose sign-in email changed: tell both


@transaction.atomic
def apply_roster_changes(plan: RosterPlan, *, confirmed_identity: str = "") -> RosterApplied:
    """Apply a clean plan's changes to people, teams and managers, in one transaction. Standing is not refreshed
    here: call portal.compliance.roster.roster_apply, which does both. Changes to anyone's identity apply only with
    `confirmed_identity` equal to the plan's `identity_fingerprint` (HR confirmed exactly these)."""
    if not plan.can_apply:
        raise ValueError("This roster has rejected rows or problems; fix the file and try again.")
    if plan.needs_confirmation(confirmed_identity):
        raise ValueError(
            "Not applied: this roster changes who some people are (work email or names); confirm those changes on "
            "the dry run (or with --confirm-identity-changes) and apply again. Nothing was changed."
        )
    User = get_user_model()
    users = {u.email: u for u in User.objects.filter(email__in=[p.fields["work_email"] for p in plan.to_create])}
    new_users = [
        User(email=p.fields["work_email"], first_name=p.fields["first_name"], last_name=p.fields["last_name"])
        for p in plan.to_create
        if p.fields["work_email"] not in users
    ]
    today = timezone.localdate()
    leaving = {
        p.fields["work_email"] for p in plan.to_create if p.fields["leave_date"] and p.fields["leave_date"] < today
    }
    unusable = make_password(None)  # the new person sets their own from the invitation link
    for user in new_users:
        user.password = unusable
        user.is_active = user.email not in leaving
    User.objects.bulk_create(new_users, batch_size=1000)
    users = {u.email: u for u in User.objects.filter(email__in=[p.fields["work_email"] for p in plan.to_create])}
    created = [
        StaffMember(employee_number=p.employee_number, user=users[p.fields["work_email"]], **p.fields)
        for p in plan.to_create
    ]
    StaffMember.objects.bulk_create(created, batch_size=1000)
    by_number = {
        s.employee_number: s
        for s in StaffMember.objects.filter(employee_number__in=[p.employee_number for p in plan.to_create])
    }
    changed = []
    for staff, _, diffs in plan.to_change:
        for name, (_, new) in diffs.items():
            if name != "line_manager":  # set below, once every new manager exists
                setattr(staff, name, new)
        changed.append(staff)
    StaffMember.objects.bulk_update(changed, list(TRACKED), batch_size=1000)
    _apply_posts(plan, by_number)
    moved = _move_sign_in_emails(plan)
    _apply_managers(plan)
    leaver_users = [s.user_id for s in plan.leavers if s.user_id]
    # Closing an account raises its session epoch too, as every change to someone's access does (portal.accounts).
    closed = {"is_active": False, "session_epoch": F("session_epoch") + 1}
    User.objects.filter(pk__in=leaver_users, is_active=True).update(**closed)
    # Someone whose leave date was their last day when an earlier file was applied has left since (and the daily run
    # has not closed them yet): close them too. The file does not name them, so each gets an audit line of its own.
    leaver_accounts_close(today, actor="a roster import")
    to_invite = _reopen(_returners(plan.to_change, today))
    old_roles_end(plan.to_change, today)  # someone taken on again starts the new job with none of the old one's access
    touched = list(
        StaffMember.objects.filter(
            employee_number__in=[p.employee_number for p in plan.to_create]
            + [s.employee_number for s, _, _ in plan.to_change]
        )
    )
    starting = {p.employee_number for p in plan.to_create}
    dated = {
        p.employee_number: p.effective_on
        for p in [*plan.to_create, *(p for _, p, _ in plan.to_change)]
        if p.effective_on and p.employee_number not in starting
    }
    for staff, person, diffs in plan.to_change:
        if not person.effective_on and taken_on_again(staff, diffs):
            # As a starter's first row takes effect on their start date: their team then is the one they came back to.
            dated[person.employee_number] = diffs["start_date"][1]
    staff_changes_record(
        touched, effective={s.pk: dated[s.employee_number] for s in touched if s.employee_number in dated}
    )
    new_people = [by_number[p.employee_number] for p in plan.to_create if p.fields["work_email"] not in leaving]
    return RosterApplied(new_people=new_people + to_invite, touched_ids=[s.pk for s in touched], moved=moved)


POST_FIELDS = ("team_id", "start_date", "leave_date")


def _apply_posts(plan: RosterPlan, new_staff: dict[str, StaffMember]) -> None:
    """Each post the file names as its own row gives it: a new person's posts, and the posts the file adds to or
    changes for someone held (`plan.posts`, `plan.posts_kept_up`). Four queries, whatever the number of posts."""
    added = [
        Assignment(staff=new_staff[p.employee_number], number=number, **dict(zip(POST_FIELDS, facts, strict=True)))
        for p in plan.to_create
        for number, facts in p.posts.items()
    ]
    changing = {}
    staff_of = {staff.employee_number: staff for staff, _, _ in plan.to_change}
    held = [(staff_of[n], plan.posts[n]) for n in plan.posts if n in staff_of]  # not those refused since
    if plan.posts_kept_up:
        people = StaffMember.objects.filter(employee_number__in=plan.posts_kept_up)
        held += [(staff, plan.posts_kept_up[staff.employee_number]) for staff in people]
    for staff, posts in held:
        for number, (old, new) in posts.items():
            facts = dict(zip(POST_FIELDS, new, strict=True))
            if old == "":
                added.append(Assignment(staff=staff, number=number, **facts))
            else:
                changing[number] = facts
    Assignment.objects.bulk_create(added, batch_size=1000, ignore_conflicts=True)
    posts = list(Assignment.objects.filter(number__in=changing)) if changing else []
    for post in posts:
        for name, value in changing[post.number].items():
            setattr(post, name, value)
    Assignment.objects.bulk_update(posts, list(POST_FIELDS), batch_size=1000)


def _reopen(returners: list[StaffMember]) -> list[StaffMember]:
    """Open again the accounts of people who had left and no longer have, as closing them did: active, every session
    ended. Not an account closed by hand: the account itself says so (`closed_by_hand`, set by the user editor and
    every other hand that closes one, never by the roster's own closing), whatever its sign-in email has become since.
    Returns those of them with no password yet, to invite as new people are."""
    returning = {s.user_id: s for s in returners if s.user_id}
    if not returning:
        return []
    User = get_user_model()
    reopening = dict(
        User.objects.filter(pk__in=returning, is_active=False, closed_by_hand=False).values_list("pk", "email")
    )
    User.objects.filter(pk__in=reopening).update(is_active=True, session_epoch=F("session_epoch") + 1)
    for email in reopening.values():
        audit_record(
            actor="a roster import",
            action=AuditEvent.ROLE_CHANGED,
            scope=f"{email}: is_active now True (the roster cleared or moved on their leave date)",
        )
    return [
        returning[user.pk]
        for user in User.objects.filter(pk__in=reopening).only("password")
        if not user.has_usable_password()
    ]


def _move_sign_in_emails(plan: RosterPlan) -> list[SignInMoved]:
    """The account goes with the employee number: a confirmed new work email becomes the account's sign-in email (its
    allauth address row too, if it has one: accounts are made without one, and allauth keeps at most the sign-in
    address, verified and primary), and every session of the account ends, so whoever held it under the old address
    is signed out. Privileged accounts never get here (`_check_identity` refuses them)."""
    User = get_user_model()
    moved = []
    for staff, _, diffs in plan.to_change:
        if "work_email" not in diffs or not staff.user_id:
            continue
        user = User.objects.select_for_update().get(pk=staff.user_id)
        old, new = user.email, diffs["work_email"][1]
        if old == new:
            continue
        User.objects.filter(pk=user.pk).update(email=new, session_epoch=F("session_epoch") + 1)
        addresses = EmailAddress.objects.filter(user_id=user.pk)
        if addresses.exists():
            addresses.delete()
            EmailAddress.objects.create(user_id=user.pk, email=new, verified=True, primary=True)
        moved.append(SignInMoved(staff=staff, old=old, new=new))
    return moved


def _apply_managers(plan: RosterPlan) -> None:
    """Point people at their line managers: one UPDATE per manager, far faster than a CASE over thousands of rows; and
    one for everyone whose supervisor the file leaves blank, who has none now."""
    none_now = [staff.pk for staff, _, diffs in plan.to_change if diffs.get("line_manager", (None, None))[1] == ""]
    StaffMember.objects.filter(pk__in=none_now).update(line_manager=None)
    rows = [p for p in plan.to_create if p.manager_number] + [p for _, p, _ in plan.to_change if p.manager_number]
    numbers = {p.employee_number for p in rows} | {p.manager_number for p in rows}
    by_number = dict(StaffMember.objects.filter(employee_number__in=numbers).values_list("employee_number", "pk"))
    current = dict(
        StaffMember.objects.filter(employee_number__in=[p.employee_number for p in rows]).values_list(
            "employee_number", "line_manager_id"
        )
    )
    reports = defaultdict(list)
    for person in rows:
        manager_id = by_number.get(person.manager_number)
        if manager_id and current.get(person.employee_number) != manager_id:
            reports[manager_id].append(by_number[person.employee_number])
    for manager_id, staff_ids in reports.items():
        StaffMember.objects.filter(pk__in=staff_ids).update(line_manager_id=manager_id)
