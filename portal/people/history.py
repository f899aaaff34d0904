"""Roster history: what the roster said about each person at any moment, and from which day it held."""

import datetime
from collections.abc import Iterable, Mapping

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import IdentityChange, StaffChange, StaffMember

# A period of employment: its first day and its last (None: not left).
Period = tuple[datetime.date, datetime.date | None]


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
    _identities_record(staff_members, at)
    return len(new_rows)


IDENTITY = ("employee_number", "first_name", "last_name")


def _identities_record(staff_members: list[StaffMember], at: datetime.datetime) -> None:
    """Append an identity row for each person whose number or name differs from their last one (or who has none)."""
    rows = IdentityChange.objects.filter(staff__in=staff_members).values_list("staff_id", *IDENTITY)
    latest = {staff_id: tuple(identity) for staff_id, *identity in rows}  # in the order recorded: the last stays
    new_rows = [
        IdentityChange(staff=staff, recorded_at=at, **{name: getattr(staff, name) for name in IDENTITY})
        for staff in staff_members
        if latest.get(staff.pk) != tuple(getattr(staff, name) for name in IDENTITY)
    ]
    IdentityChange.objects.bulk_create(new_rows, batch_size=1000)


def identities_before(cutoff: datetime.datetime) -> dict[int, IdentityChange]:
    """Who each person renamed or renumbered at or after `cutoff` was as recorded before it, by the person's id (the
    row's `staff`, as they are now, is read with it): their last row recorded before it, else their first, which
    stands for the time before it too (as a first roster row does). Everyone else is who they are now, and is left
    out. One query."""
    earlier = IdentityChange.objects.filter(staff_id=OuterRef("staff_id")).filter(
        Q(recorded_at__isnull=True) | Q(recorded_at__lt=OuterRef("recorded_at"))
    )
    changed = IdentityChange.objects.filter(Exists(earlier), recorded_at__gte=cutoff).values("staff_id")
    found = {}
    for row in IdentityChange.objects.filter(staff_id__in=changed).select_related("staff"):  # in the order recorded
        if row.staff_id not in found or row.recorded_at is None or row.recorded_at < cutoff:
            found[row.staff_id] = row
    return found


def identity_before(staff: StaffMember, cutoff: datetime.datetime) -> IdentityChange | None:
    """Who `staff` was as recorded before `cutoff`, as `identities_before` reads it for everyone: their last row
    recorded before it, else their first; None if they have no row. One query (their rows, a handful)."""
    found = None
    for row in IdentityChange.objects.filter(staff=staff):  # in the order recorded
        if found is None or row.recorded_at is None or row.recorded_at < cutoff:
            found = row
    return found


def employment_periods(
    changes: Iterable, start_date: datetime.date | None = None, leave_date: datetime.date | None = None
) -> tuple[Period, ...]:
    """A person's periods of employment, first to last, from their roster rows (anything with `start_date`,
    `leave_date`, `recorded_at` and `pk`), in the order they were recorded, then from `start_date` and `leave_date`
    when given (the person as the roster holds them now, the newest word). A row whose start date comes after the
    leave date of the period before it begins a new period: someone who left and was taken on again. Any other row is
    the latest word on the periods it reaches, and stands in their place: a start date corrected, a leave date set,
    moved or cleared (a returner under the same start date is one unbroken period)."""
    said = [(c.start_date, c.leave_date) for c in sorted(changes, key=lambda c: (c.recorded_at, c.pk))]
    if start_date is not None:
        said.append((start_date, leave_date))
    periods: list[Period] = []
    for start, leave in said:
        while periods and (periods[-1][1] is None or periods[-1][1] >= start):
            periods.pop()
        periods.append((start, leave))
    return tuple(periods)


def period_on(periods: Iterable[Period], day: datetime.date) -> Period | None:
    """The period of employment holding `day`, or None if they were not employed that day."""
    return next((p for p in periods if p[0] <= day and (p[1] is None or day <= p[1])), None)


def employed_on(staff: StaffMember, day: datetime.date) -> bool:
    """Whether `staff` was employed on `day`, as everything known now says (`employment_periods`). No query for a day
    from their present start date on; one (their roster rows) for a day before it, which an earlier period may hold."""
    if day >= staff.start_date:
        return staff.leave_date is None or day <= staff.leave_date
    rows = StaffChange.objects.filter(staff=staff).only("start_date", "leave_date", "recorded_at")
    return period_on(employment_periods(rows, staff.start_date, staff.leave_date), day) is not None


def out_of_post_around(staff: StaffMember, day: datetime.date) -> tuple[datetime.date | None, datetime.date | None]:
    """For a day in none of `staff`'s periods of employment: the last day of the period before it and the first day
    of the period after it (each None if there is none), as everything known now says. One query (their roster rows)."""
    rows = StaffChange.objects.filter(staff=staff).only("start_date", "leave_date", "recorded_at")
    periods = employment_periods(rows, staff.start_date, staff.leave_date)
    left = max((last for _, last in periods if last is not None and last < day), default=None)
    starts = min((first for first, _ in periods if first > day), default=None)
    return left, starts
