"""Calendar rules a person would agree with. Dates are Europe/London calendar days (settings.TIME_ZONE)."""

import calendar
import datetime

from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (29 Feb + 12 -> 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local_day(moment: datetime.datetime) -> datetime.date:
    """The Europe/London calendar day of an aware datetime, across BST and GMT."""
    return timezone.localtime(moment).date()


def end_of_local_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` ends in Europe/London (so `recorded_at < end_of_local_day(D)` means 'by D')."""
    next_day = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(next_day, datetime.time.min))


def moment_on(day: datetime.date) -> datetime.datetime:
    """The moment a completion known only by its day is recorded as: noon on that day in Europe/London (the day stays
    the same whatever the clock change), or now, on the day itself before noon: a course done this morning is not a
    completion in the future (`services.evidence_record` refuses one)."""
    return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(12))), timezone.now())
