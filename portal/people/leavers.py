"""Closing the accounts of people whose leave date has passed (`leaver_accounts_close`): by the roster apply, and every
day by the daily run (portal.compliance.tasks.send_reminders_task), so an account is not left open, and counted among
the active (the CMS's user list, HR's recipients and role lists), until the next roster file is applied.

The leave date is the last day of service (`StaffMember.has_left`): the account closes the day after. Sign-in,
re-authentication and open sessions refuse a leaver from that day whether or not the account is closed yet
(portal.accounts.leavers); closing it makes every other reader of `is_active` agree.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from portal.audit.models import AuditEvent
from portal.audit.services import audit_record
from portal.lib.csvfiles import show_date


@transaction.atomic
def leaver_accounts_close(today: datetime.date, *, actor: str) -> int:
    """Close the open account of everyone whose leave date is before `today`, as the roster apply closes a leaver's:
    inactive, its session epoch raised so every session ends, and `closed_by_hand` left as it is (an UPDATE, which the
    account's pre_save receiver never sees), so a roster that clears the leave date opens it again. An account already
    closed is left alone, so a second run closes nothing. Each account closed gets one audit line, by `actor` (who
    closed it, in words). Privileged accounts are closed too: their holder has left, and the sign-in refuses them
    already; their roles (the HR group) stay, as the roster leaves them. Returns how many were closed."""
    User = get_user_model()
    # Locked, so that two runs at once (two cron hosts, a roster apply beside the daily run) close each account once
    # and write its audit line once: the second waits, then finds it closed.
    closing = list(
        User.objects.select_for_update(of=("self",))
        .filter(staff__leave_date__lt=today, is_active=True)
        .order_by("pk")
        .values_list("pk", "email", "staff__pk", "staff__leave_date")
    )
    if not closing:
        return 0
    User.objects.filter(pk__in=[pk for pk, *_ in closing]).update(is_active=False, session_epoch=F("session_epoch") + 1)
    for pk, email, staff_id, leave_date in closing:
        audit_record(
            actor=actor,
            action=AuditEvent.ROLE_CHANGED,
            scope=f"{email}: is_active now False (their leave date, {show_date(leave_date)}, has passed)",
            user_id=pk,
            staff_id=staff_id,
            leave_date=leave_date.isoformat(),
        )
    return len(closing)
