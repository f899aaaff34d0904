"""Reminders: before the due date, on it, after it, then escalation to the line manager and then HR; and a weekly
digest for managers. Each (person, requirement, stage, due date) is sent once, ever.

"Once" is enforced by the database: the ReminderLog row is claimed (inserted) in the same transaction that sends the
email. A second run, or a second worker at the same moment, fails to insert the same row and sends nothing.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from portal.people.models import StaffMember, TeamManager
from portal.people.roles import HR_GROUP

from . import status
from .models import ReminderLog, RequirementStatus

# Days relative to the due date; trusts can change them in settings.
DEFAULT_OFFSETS = {
    ReminderLog.BEFORE: -14,
    ReminderLog.ON_DUE: 0,
    ReminderLog.AFTER: 7,
    ReminderLog.ESCALATE_MANAGER: 14,
    ReminderLog.ESCALATE_HR: 28,
}
STAGE_ORDER = [
    ReminderLog.BEFORE,
    ReminderLog.ON_DUE,
    ReminderLog.AFTER,
    ReminderLog.ESCALATE_MANAGER,
    ReminderLog.ESCALATE_HR,
]
DIGEST_WEEKDAY = 0  # Monday


def offsets() -> dict[str, int]:
    return {**DEFAULT_OFFSETS, **getattr(settings, "PORTAL_REMINDER_OFFSETS", {})}


@dataclass(frozen=True)
class Reminder:
    row: RequirementStatus
    stage: str
    recipients: tuple[str, ...]


def stage_due(row: RequirementStatus, today: datetime.date) -> str | None:
    """The most advanced stage whose day has come for this row (so a missed day never sends three at once)."""
    if row.due_on is None:
        return None
    days = (today - row.due_on).days
    reached = [stage for stage in STAGE_ORDER if days >= offsets()[stage]]
    if not reached:
        return None
    state = row.state(today)
    if state == status.COMPLIANT:
        return None
    if reached[-1] == ReminderLog.BEFORE and state not in {status.DUE_SOON, status.NOT_STARTED}:
        return None
    return reached[-1]


def reminders_due(today: datetime.date) -> list[Reminder]:
    horizon = today - datetime.timedelta(days=offsets()[ReminderLog.BEFORE])
    rows = (
        RequirementStatus.objects.filter(due_on__lte=horizon, requirement__active=True)
        .filter(staff__in=StaffMember.objects.current(on=today))
        .select_related("staff", "staff__line_manager", "requirement")
        .order_by("staff_id", "requirement_id")
    )
    hr_emails = tuple(
        sorted(
            StaffMember.objects.filter(user__groups__name=HR_GROUP, user__is_active=True).values_list(
                "work_email", flat=True
            )
        )
    )
    result = []
    for row in rows:
        stage = stage_due(row, today)
        if stage is None:
            continue
        if stage == ReminderLog.ESCALATE_MANAGER:
            manager = row.staff.line_manager
            recipients = (manager.work_email,) if manager else hr_emails
        elif stage == ReminderLog.ESCALATE_HR:
            recipients = hr_emails
        else:
            recipients = (row.staff.work_email,)
        if recipients:
            result.append(Reminder(row, stage, recipients))
    return result


def _claim_and_send(*, staff, requirement, stage, due_on, recipient, subject, body) -> bool:
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                staff=staff, requirement=requirement, stage=stage, due_on=due_on, recipient=recipient, subject=subject
            )
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[recipient])
    except IntegrityError:
        return False  # already sent, by an earlier run or another worker
    return True


def reminders_send(today: datetime.date) -> Counter:
    sent = Counter()
    base = settings.WAGTAILADMIN_BASE_URL
    for reminder in reminders_due(today):
        row = reminder.row
        context = {"row": row, "stage": reminder.stage, "training_url": f"{base}/training/", "today": today}
        subject = render_to_string(f"email/reminders/{reminder.stage}_subject.txt", context).strip()
        body = render_to_string(f"email/reminders/{reminder.stage}.txt", context)
        for recipient in reminder.recipients:
            if _claim_and_send(
                staff=row.staff,
                requirement=row.requirement,
                stage=reminder.stage,
                due_on=row.due_on,
                recipient=recipient,
                subject=subject,
                body=body,
            ):
                sent[reminder.stage] += 1
    if today.weekday() == DIGEST_WEEKDAY:
        sent[ReminderLog.DIGEST] += digests_send(today)
    return sent


def digests_send(today: datetime.date) -> int:
    """Each manager's weekly list of the people in their teams who are overdue or due soon."""
    sent = 0
    week_start = today - datetime.timedelta(days=today.weekday())
    managers = defaultdict(list)
    for link in TeamManager.objects.select_related("staff", "team"):
        managers[link.staff].append(link.team)
    for manager, teams in managers.items():
        if manager.has_left(today):
            continue
        rows = (
            RequirementStatus.objects.filter(staff__in=StaffMember.objects.current(on=today).in_teams(teams))
            .select_related("staff", "requirement")
            .order_by("staff__last_name", "requirement__name")
        )
        lines = [(row, row.state(today)) for row in rows]
        lines = [(row, state) for row, state in lines if state in {status.OVERDUE, status.DUE_SOON}]
        if not lines:
            continue
        context = {
            "manager": manager,
            "lines": lines,
            "labels": status.LABELS,
            "week_start": week_start,
            "training_url": f"{settings.WAGTAILADMIN_BASE_URL}/training/",
        }
        if _claim_and_send(
            staff=manager,
            requirement=None,
            stage=ReminderLog.DIGEST,
            due_on=week_start,
            recipient=manager.work_email,
            subject=f"Your team's training: {len(lines)} to follow up this week",
            body=render_to_string("email/reminders/digest.txt", context),
        ):
            sent += 1
    return sent
