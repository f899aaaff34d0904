"""A cell's value as the imports read it: a text formula as Excel shows it, a date in the forms HR's files write
it, and a value as a message repeats it. `csvfiles` reads the files; these read what is in them."""

import datetime
import re

from django.utils import timezone

from .file_dates import why_not_a_date

# A two-digit year as %y reads it (00-68: 2000-2068, else 1969-1999), with slashes or a month's name: Excel writes
# 01-Feb-26 for a date cell formatted "dd-mmm-yy" when it saves a file as CSV. With spaces, as Excel writes the UK long
# date (07 December 2025) and "dd mmm yyyy", and year first with slashes ("yyyy/mm/dd"): each reads one way only.
# With dots (07.12.2025, as some UK systems and Excel in a German or Nordic locale write a date), day first as with
# slashes, and the year in full only: a dotted two-digit year is refused (`file_dates.why_not_a_date` says so). With
# hyphens and the month as a number (07-12-2025, as Excel saves a column formatted "dd-mm-yyyy"), day first too, and the
# year in full only: 25-12-07 could be written either end first. Year first with hyphens (2025-12-07) stays year first.
DATE_FORMATS = (
    "%d-%b-%Y",
    "%d/%m/%Y",
    "%Y-%m-%d",
    "%d-%B-%Y",
    "%d/%m/%y",
    "%d-%b-%y",
    "%d %b %Y",
    "%d %B %Y",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%d-%m-%Y",
)
# A time after the date ("01/02/2026 00:00", "2026-02-01T00:00:00", "01-Feb-2026 09:30:15"): the day is what counts,
# the day written, unless the time names its offset from UTC ("2026-03-31T23:30:00Z"): then the moment's day in London.
TIME_SUFFIX = re.compile(
    r"[ T](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?(?:\s*(?P<half>[AaPp][Mm]))?"
    r"(?:\s*(?P<offset>Z|[+-]\d{2}:?\d{2}))?$"
)
# A text formula, ="00012345", the quotes inside it doubled: Excel shows the text.
TEXT_FORMULA = re.compile(r'="((?:[^"]|"")*)"')
# A number as Excel shows a column formatted "#,##0" (12,345,678), which a CSV saved from it keeps: a separator every
# three digits from the right, and no leading zero, as only that format writes them. Commas anywhere else (1,2345,
# 12,34,567) are no separators, and the value is left for the import to refuse.
GROUPED_NUMBER = re.compile(r"[1-9][0-9]{0,2}(?:,[0-9]{3})+")
# A run of spaces, each the ordinary one or another that shows as one (Unicode's Zs): a no-break space, which Excel and
# Word paste, a narrow no-break space (U+202F), a figure space (U+2007), an ideographic space... Not a tab or a line
# break, which `text.hidden_character` refuses.
SPACES = re.compile(r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def cell_value(text: str) -> str:
    """A cell as a record holds it: without the spaces around it ("  E0000007 " is E0000007), and a text formula as
    Excel shows it (="00012345" is 00012345: how reporting tools write a number whose leading zeros must stay). Every
    import reads its values so; another door that checks what an import will match (the API's rows) reads them
    through this too, so the check and the import cannot see two different values."""
    text = text.strip()
    if text.startswith('="'):
        formula = TEXT_FORMULA.fullmatch(text)
        if formula:
            return formula[1].replace('""', '"').strip()
    return text


def number_value(text: str) -> str:
    """A person's or a post's number as a record holds it: the cell as `cell_value` reads it, without the thousands
    separators of a number column Excel formatted so (12,345,678 is 12345678). Every import reads the number columns
    so, and the API checks its rows' numbers through this too, so a team client's scope is checked against the
    number the import will match."""
    value = cell_value(text)
    return value.replace(",", "") if GROUPED_NUMBER.fullmatch(value) else value


def name_value(text: str) -> str:
    """A name (a person's, a team's, a job title) as a record holds it: the cell as `cell_value` reads it, each run of
    spaces one ordinary space, whatever spaces they were ("Priya\u00a0Shah" is Priya Shah). A name is told apart as
    people read it, so a no-break space would make a second Priya Shah, or a team's name no team has. Codes are not
    read so: a code with a no-break space is refused (`text.code_hidden_character`)."""
    return SPACES.sub(" ", cell_value(text))


def _london_day(day: datetime.date, time: re.Match) -> datetime.date:
    """The Europe/London day of a moment written with its offset from UTC: a completion at "2026-06-30T23:30:00Z" was
    made at 00:30 on 1 July in London, and is filed on 1 July, as the portal files everything done in it."""
    hour, minute, second = int(time["hour"]), int(time["minute"]), int(time["second"] or 0)
    if time["half"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"'{time.group(0).lstrip(' T')}' is not a time: with AM or PM the hour is 1 to 12")
        hour = hour % 12 + (12 if time["half"].lower() == "pm" else 0)
    offset = time["offset"]
    try:
        if offset == "Z":
            zone = datetime.UTC
        else:
            digits = offset[1:].replace(":", "")
            shift = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            zone = datetime.timezone(-shift if offset[0] == "-" else shift)
        moment = datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=zone)
    except ValueError as error:
        written = time.group(0).lstrip(" T")
        raise ValueError(
            f"'{written}' is not a time with its offset from UTC (hours 0 to 23, an offset under 24 hours)"
        ) from error
    return timezone.localtime(moment).date()


def show_date(day: datetime.date) -> str:
    """30/11/2028, as the import guides write dates; years before 1000 keep four digits (strftime drops them)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def parse_date(value: str) -> datetime.date:
    value = value.strip()
    time = TIME_SUFFIX.search(value)
    if time:
        value = value[: time.start()]
    for fmt in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return _london_day(day, time) if time and time["offset"] else day
    if _month_first(value):
        raise ValueError(
            f"'{value}' is not a date: dates are read day first (30/11/2028), and this one only makes sense month "
            "first, as US dates are written. Other dates in the file may be month first too, and read wrongly: save "
            "them as 30-Nov-2028 or 2028-11-30"
        )
    why = why_not_a_date(value)
    if why:
        raise ValueError(f"'{value}' is not a date: {why}")
    raise ValueError(f"'{quoted(value)}' is not a date (use 30-Nov-2028, 30/11/2028 or 2028-11-30)")


def _month_first(value: str) -> bool:
    """Whether `value` is a date only when read month first: 11/30/2028."""
    for fmt in ("%m/%d/%Y", "%m/%d/%y", "%m.%d.%Y", "%m-%d-%Y"):
        try:
            datetime.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return True
    return False


def quoted(value: str, limit: int = 60) -> str:
    """A value from a file as a message repeats it: at most `limit` characters, so that a cell holding a paragraph
    (or 40,000 characters) does not fill the page that lists what is wrong."""
    return value if len(value) <= limit else f"{value[: limit - 1]}…"
