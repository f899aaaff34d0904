"""Why a value in an import's date column is not a date, when more can be said than that: a day its month does not
have, or a spreadsheet's number for a day. `csvfiles.parse_date` refuses with these words."""

import calendar
import datetime
import re

# The forms `csvfiles.DATE_FORMATS` reads, to name the day a month lacks (31/02/2026) rather than say only "not a date".
DATE_SHAPES = (
    re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}|\d{2})"),
    re.compile(r"(?P<day>\d{1,2})-(?P<month>[A-Za-z]{3,9})-(?P<year>\d{4}|\d{2})"),
    re.compile(r"(?P<day>\d{1,2}) (?P<month>[A-Za-z]{3,9}) (?P<year>\d{4})"),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})"),
    re.compile(r"(?P<day>\d{1,2})-(?P<month>\d{1,2})-(?P<year>\d{4})"),
)
# A date with dots and a two-digit year (07.12.25): %y would guess its century, and with dots it is not read.
DOTTED_SHORT_YEAR = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2}")
# With hyphens and the month as a number and a two-digit year (07-12-25): either end could be the year, so not read.
DASHED_SHORT_YEAR = re.compile(r"\d{1,2}-\d{1,2}-\d{2}")
# A spreadsheet's day number where a date was meant (a date column formatted as a number: 46054 is 01/02/2026), from
# 1955 to 2119; day 0 of Excel's 1900 date system is 30 December 1899.
SERIAL_DAY = re.compile(r"[2-7]\d{4}")
SPREADSHEET_DAY_ZERO = datetime.date(1899, 12, 30)


def why_not_a_date(value: str) -> str:
    """For a value `parse_date` could not read: "February 2026 has 28 days" (31/02/2026, 29-Feb-2025, 2026-04-31), or
    what a spreadsheet's day number stands for and how to save it as a date; "" when there is nothing more to say."""
    if SERIAL_DAY.fullmatch(value):
        day = SPREADSHEET_DAY_ZERO + datetime.timedelta(days=int(value))
        return (
            f"it looks like a spreadsheet's number for the day {day.day:02d}/{day.month:02d}/{day.year}. Format the "
            "column as dates (30/11/2028) and save the file again"
        )
    if DOTTED_SHORT_YEAR.fullmatch(value):
        return "with dots, the year is written in full (07.12.2025)"
    if DASHED_SHORT_YEAR.fullmatch(value):
        return "with hyphens and the month as a number, the year is written in full (07-12-2025)"
    found = next((shape.fullmatch(value) for shape in DATE_SHAPES if shape.fullmatch(value)), None)
    if not found:
        return ""
    day, month, year = int(found["day"]), found["month"], int(found["year"])
    if not month.isdigit():
        month = next((n for n, name in enumerate(calendar.month_abbr) if name and name.lower() == month[:3].lower()), 0)
    month = int(month)
    if len(found["year"]) == 2:
        year += 2000 if year < 69 else 1900  # as %y reads it
    if not 1 <= month <= 12 or year < 1:
        return ""
    days = calendar.monthrange(year, month)[1]
    if not days < day <= 31:
        return ""
    return f"{calendar.month_name[month]} {year} has {days} days"
