"""Roster history: what the roster said about each person at any moment, and from which day it held."""

import datetime
from collections.abc import Iterable, Mapping

from django.utils import timezone

from .models import StaffChange, StaffMember


def _fields(staff: StaffMember) -> dict:
    return {name: getattr(staff, name) for name in StaffChange.TRACKED}


def staff_changes_record(
    staff_members: Iterable[StaffMember],
    at=None,
    effective: Mapping[int, datetime.date] | datetime.date | None = None,
) -> int:
    """Append a history row for each person whose tracked fields differ from their last row. Returns rows added.

    Each row keeps two times: `at` (default now), when it was recorded, and the day it took effect: `effective` (one
    day for everyone, or a day per person's id, as a roster file gives it), else a starter's start date for their
    first row and the day of `at` for a change. Call it after creating or changing StaffMember rows (the roster
    import, HR edits, the demo loader).
    """
    staff_members = list(staff_members)
    at = at or timezone.now()
    recorded_day = timezone.localtime(at).date()
    latest = {}
    for change in StaffChange.objects.filter(staff__in=staff_members).order_by("staff_id", "recorded_at", "pk"):
        latest[change.staff_id] = change
    new_rows = []
    for staff in staff_members:
        current = _fields(staff)
        previous = latest.get(staff.pk)
        if previous is None or any(getattr(previous, k) != v for k, v in current.items()):
            if isinstance(effective, datetime.date):
                day = effective
            elif effective is not None and staff.pk in effective:
                day = effective[staff.pk]
            else:
                day = staff.start_date if previous is None else recorded_day
            new_rows.append(StaffChange(staff=staff, recorded_at=at, effective_on=day, **current))
    StaffChange.objects.bulk_create(new_rows, batch_size=1000)
    return len(new_rows)
