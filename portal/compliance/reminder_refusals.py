"""Refusals of reminders by the mail server, read for the run (`reminders`): who is given up on, and since when.

The person's overdue reminder refused for good (a 5xx to the address) on UNDELIVERABLE_AFTER days, or refused for now
(a 4xx: the mailbox full, try later) or for good on REFUSED_FOR_NOW_AFTER days, counts as gone for the ladder
(`undeliverable_since`); a manager whose address refused their escalation so is passed over (`manager_refused`); a
manager's weekly list refused for good at their address on UNDELIVERABLE_AFTER days is not tried again there until
LIST_TRIED_AGAIN_AFTER has passed since the last refusal. Each counts its own refusals, as each email is its own. Days
are London days: a run retried the same day is not another day.
Each refusal is a ReminderRefusal row (`reminder_sending` writes them).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef
from django.db.models.functions import Lower, TruncDate

from .dates import end_of_local_day, local_day
from .models import ReminderLog, ReminderRefusal, RequirementStatus

AFTER, MANAGER, DIGEST = ReminderLog.AFTER, ReminderLog.ESCALATE_MANAGER, ReminderLog.DIGEST

UNDELIVERABLE_AFTER = 3  # days the person's overdue reminder is refused for good before their manager hears without it
# Days the person's address may refuse their overdue reminder for now (a 4xx: mailbox full, try later), or a manager's
# their escalation, before the ladder goes on without them. More than UNDELIVERABLE_AFTER, as a 4xx says "try later"
# and may clear, and as mail servers themselves keep trying a 4xx for four or five days before they give up (RFC 5321
# 4.5.4.1); and within the days between the person's overdue reminder and the manager's stage, and between the
# manager's and HR's, so that the next one still hears on their usual day.
REFUSED_FOR_NOW_AFTER = 5
# How long a manager's weekly list, passed over at an address that refused it for good, waits before it is tried there
# again (once: refused again, it waits as long again). A mailbox "gone" may come back under the same address: an NHSmail
# account suspended for long leave and restored. Four weekly lists missed at most, then one try.
LIST_TRIED_AGAIN_AFTER = datetime.timedelta(days=28)


@dataclass
class Refused:
    """The London days, in order, an address refused a stage: `for_good` (a 5xx), and `days`, for good or for now."""

    for_good: list[datetime.date] = field(default_factory=list)
    days: list[datetime.date] = field(default_factory=list)

    def add(self, day: datetime.date, for_good: bool) -> None:
        for days, counts in ((self.for_good, for_good), (self.days, True)):
            if counts and day not in days:
                days.append(day)


def refusals_read(horizon: datetime.date) -> dict[tuple, dict[tuple[str, str], Refused]]:
    """(staff, requirement, due date) -> {(stage, address): Refused}: the person's overdue reminder and the manager's
    escalation, for the due dates people have now. One query."""
    current = RequirementStatus.objects.filter(
        staff=OuterRef("staff"), requirement=OuterRef("requirement"), due_on=OuterRef("due_on"), due_on__lte=horizon
    )
    refused = defaultdict(lambda: defaultdict(Refused))
    rows = ReminderRefusal.objects.filter(stage__in=[AFTER, MANAGER]).filter(Exists(current)).order_by("refused_at")
    for staff_id, requirement_id, due_on, stage, recipient, refused_at, for_good in rows.values_list(
        "staff_id", "requirement_id", "due_on", "stage", "recipient", "refused_at", "for_good"
    ):
        refused[(staff_id, requirement_id, due_on)][(stage, recipient.lower())].add(local_day(refused_at), for_good)
    return refused


def refused_enough(days: list[datetime.date]) -> bool:
    """Whether an address refused for good on `days` is given up on: on UNDELIVERABLE_AFTER days. Pure."""
    return len(days) >= UNDELIVERABLE_AFTER


def undeliverable_since(refused: Refused) -> tuple[datetime.date, bool] | None:
    """When an address that refused a stage so is given up on, and whether for good: (the first day refused for good,
    True) once refused for good on UNDELIVERABLE_AFTER days (`refused_enough`), else (the first day refused, False) once
    refused, for now or for good, on REFUSED_FOR_NOW_AFTER days; None while it is still tried. For the person's overdue
    reminder, the ladder goes on as if it had gone on that day. Pure."""
    if refused_enough(refused.for_good):
        return refused.for_good[0], True
    return (refused.days[0], False) if len(refused.days) >= REFUSED_FOR_NOW_AFTER else None


def manager_refused(refused: Refused) -> bool | None:
    """Whether a manager whose address refused their escalation so is passed over, as `undeliverable_since` gives
    up on it: True for good, False for now; None while they are still tried. Pure."""
    given_up = undeliverable_since(refused)
    return None if given_up is None else given_up[1]


def list_refused_days(today: datetime.date):
    """For a TeamManager row: on how many London days the manager's weekly list was refused for good at their work
    email as it is now (in any case), as a subquery of the row's query; none (NULL) once LIST_TRIED_AGAIN_AFTER has
    passed since the last of them, so that the list is tried there again: an account suspended and restored under the
    same address gets it, and one refused again waits as long again."""
    return (
        ReminderRefusal.objects.filter(stage=DIGEST, for_good=True, staff=OuterRef("staff"))
        .annotate(address=Lower("recipient"), day=TruncDate("refused_at"))
        .filter(address=Lower(OuterRef("staff__work_email")))
        .order_by()
        .values("staff")
        .annotate(days=Count("day", distinct=True), last=Max("refused_at"))
        .filter(last__gte=end_of_local_day(today - LIST_TRIED_AGAIN_AFTER))
        .values("days")
    )
