"""Roster history: what the roster said about each person at any moment."""

from collections.abc import Iterable

from django.utils import timezone

from .models import StaffChange, StaffMember


def _fields(staff: StaffMember) -> dict:
    return {name: getattr(staff, name) for name in StaffChange.TRACKED}


def staff_changes_record(staff_members: Iterable[StaffMember], at=None) -> int:
    """Append a history row for each person whose tracked fields differ from their last row. Returns rows added.

    Call it after creating or changing StaffMember rows (the roster import, HR edits, the demo loader).
    """
    staff_members = list(staff_members)
    at = at or timezone.now()
    latest = {}
    for change in StaffChange.objects.filter(staff__in=staff_members).order_by("staff_id", "recorded_at", "pk"):
        latest[change.staff_id] = change
    new_rows = []
    for staff in staff_members:
        current = _fields(staff)
        previous = latest.get(staff.pk)
        if previous is None or any(getattr(previous, k) != v for k, v in current.items()):
            new_rows.append(StaffChange(staff=staff, recorded_at=at, **current))
    StaffChange.objects.bulk_create(new_rows, batch_size=1000)
    return len(new_rows)
