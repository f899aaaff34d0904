"""Reading the CSV files HR exports from other systems: encodings, delimiters, dates and header aliases."""

import csv
import datetime
import io
import re
from collections.abc import Iterator

DATE_FORMATS = ("%d-%b-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d-%B-%Y", "%d/%m/%y")


class CsvFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


def decode(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark, else Windows-1252 (what Excel on Windows saves)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.strip().lower())


def show_date(day: datetime.date) -> str:
    """30/11/2028, as the import guides write dates; years before 1000 keep four digits (strftime drops them)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def parse_date(value: str) -> datetime.date:
    value = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{value}' is not a date (use 30-Nov-2028, 30/11/2028 or 2028-11-30)")


def read_rows(
    data: bytes, aliases: dict[str, str], required: set[str], labels: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {canonical field: value}) for each record. The header is line 1; a record's number is
    the physical line it starts on, counting quoted newlines, as a spreadsheet user would find it."""
    text = decode(data)
    if not text.strip():
        raise CsvFileError("The file is empty.")
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as error:
        raise CsvFileError(f"The header row cannot be read: {error}.") from error
    columns = {}
    for index, name in enumerate(header):
        field = aliases.get(normalise_header(name))
        if field and field not in columns:
            columns[field] = index
    missing = required - columns.keys()
    if missing:
        names = ", ".join(sorted((labels or {}).get(name, name) for name in missing))
        raise CsvFileError(f"The file has no column for: {names}. See the import guide for the headings we accept.")
    line = reader.line_num + 1
    while True:
        start = line
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvFileError(f"Line {start}: {error}.") from error
        line = reader.line_num + 1
        if not any(cell.strip() for cell in record):
            continue
        yield start, {field: (record[i].strip() if i < len(record) else "") for field, i in columns.items()}
