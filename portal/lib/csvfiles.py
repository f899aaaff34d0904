"""Reading the files HR exports from other systems (CSV, or XLSX as ESR usually downloads them): header aliases, and
the footers and extra columns a real report carries. A CSV's encoding and delimiter are `csv_text`'s; a cell's value
(a text formula, a date) is `csvfiles_values`'s, and may be imported from here as before."""

import difflib
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .csv_text import HEADING_SEARCH, CsvFileError, csv_lines
from .csvfiles_values import DATE_FORMATS as DATE_FORMATS
from .csvfiles_values import cell_value as cell_value
from .csvfiles_values import name_value as name_value
from .csvfiles_values import number_value as number_value
from .csvfiles_values import parse_date as parse_date
from .csvfiles_values import quoted as quoted
from .csvfiles_values import show_date as show_date
from .csvfiles_xlsx import XLSX_MAGIC, Unsaved, other_sheets, sheets_passed_over, xlsx_lines

# What ESR and spreadsheet reports put under the data: "Report total: 250", "Total records 250", "End of report".
FOOTER = re.compile(
    r"^(?:(?:report|grand|sub)\s*)?totals?\b|^count\b|^number of\b|^end of (?:the )?report|^records?\b|^rows?\b"
    r"|^\d+\s+(?:rows?|records?)\b|^report (?:run|generated|date)|^run (?:date|on)\b|^generated\b|^printed\b"
    r"|^page \d+",
    re.IGNORECASE,
)
# What a totals row gives after its label: a count ("250", "1,234", "1 234").
COUNT = re.compile(r"\d[\d,. ]*")
# A totals row's label alone in its cell ("Total", "Grand Total:", "Count"), as a row of counts starts: a name that
# starts with one ("Total Quality", coded 4101) is a team's, not a label.
TOTAL_LABEL = re.compile(
    r"(?:(?:report|grand|sub)\s*)?totals?(?:\s+(?:records?|rows?|teams?))?|count|number of [a-z ]+|records?|rows?",
    re.IGNORECASE,
)
# How close an unread heading must be to one we read to be taken for a typo of it ("Supervisor Assignment No.").
RESEMBLANCE = 0.85
# An OLE compound file: an Excel 97-2003 workbook (.xls), or an .xlsx saved with a password (Excel encrypts it so).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# How many cells holding a formula with no saved value a refusal names, before saying how many more.
UNSAVED_NAMED = 5
# How many hidden rows the dry run names, before saying how many more.
HIDDEN_NAMED = 5


def normalise_header(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.strip().lower())


def read_rows(
    data: bytes, aliases: dict[str, str], required: set[str], labels: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, {canonical field: value}) for each record (`read_table` without what it left out)."""
    yield from read_table(data, aliases, required, labels).records


@dataclass
class Table:
    """A file read against a set of aliases: its records, and what was read but not used."""

    records: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)  # headings no field reads: "Supervisor Full Name"
    doubtful: list[tuple[str, str]] = field(default_factory=list)  # (heading, the heading it looks like)
    ignored: list[str] = field(default_factory=list)  # footers and blank lines: "Line 12: 'Report total 250'"
    hidden: str = ""  # records in rows Excel hides (a filter, or by hand): read, and said so

    def doubtful_problems(self) -> list[str]:
        return [
            f"The column '{heading}' looks like '{known}' but is not read: rename it to '{known}' (or remove it), "
            "then upload the file again"
            for heading, known in self.doubtful
        ]


def read_table(
    data: bytes,
    aliases: dict[str, str],
    required: set[str],
    labels: dict[str, str] | None = None,
    *,
    sheet: str = "",
    codes: set[str] = frozenset(),
    numbers: set[str] = frozenset(),
    names: set[str] = frozenset(),
) -> Table:
    """Read a CSV or XLSX file (the first sheet Excel shows that holds anything, or `sheet`; the empty sheets passed
    over are listed in `ignored`). Lines are numbered as a spreadsheet shows them, the first line = line 1. The heading
    row is the first of the first 20 lines that holds every required heading (a
    report may open with a title and the day it was run); the lines above it are left out and listed in `ignored`, as
    are rows after the last record that are footers (a total, a count, "End of report") or too empty to be a record,
    and blank lines, and the footers and titles a page break leaves before the headings again (a report exported page
    by page). A file with no record under its headings is refused, saying what is there instead: an empty report
    applied would change nothing without a word. `codes` are the fields whose values may be bare numbers (a team's
    code): a count there is no sign of a totals row (`_is_footer`). `numbers` are the fields holding a person's or a
    post's number, read without the thousands separators Excel may show in them (`number_value`); `names` those
    holding a name, read with ordinary spaces (`name_value`)."""
    if data[:8] == OLE_MAGIC:
        raise CsvFileError(
            "This is an Excel 97-2003 workbook (.xls) or an Excel file protected by a password, which cannot be read. "
            "Open it in Excel, remove any password, save it as 'Excel Workbook (.xlsx)' or 'CSV UTF-8 (Comma "
            "delimited)' and upload it again."
        )
    hidden: list[int] = []  # the numbers of the rows an XLSX sheet hides, as they are read
    passed_over: list[str] = []  # the empty sheets before the one read
    if data[:4] == XLSX_MAGIC:
        lines = xlsx_lines(data, sheet, hidden, passed_over)
    else:
        lines = csv_lines(data, lambda cells: required <= _headings(cells, aliases)[0].keys())
    above = list(itertools.islice(lines, HEADING_SEARCH))
    if not above:
        raise CsvFileError("The file is empty." + other_sheets(data, sheet))
    read = [_headings(cells, aliases) for _, cells in above]
    found = next((index for index, (columns, _) in enumerate(read) if required <= columns.keys()), None)
    if found is None:
        # A heading that is a formula with no saved value reads as blank: the likelier reason no heading row is found
        _refuse_unsaved([(line, i, cell) for line, cells in above for i, cell in enumerate(cells)])
        nearest, _ = max(read, key=lambda heading: len(required & heading[0].keys()))
        names = _names(required - nearest.keys(), labels)
        raise CsvFileError(
            f"The file has no column for: {names}. No line among the first {HEADING_SEARCH} has the headings "
            f"{_names(required, labels)}. See the import guide for the headings we accept." + other_sheets(data, sheet)
        )
    columns, unused = read[found]
    headings = above[found][1]
    # Every column a field reads, a second one for a field too (`_Disagreements` compares them)
    read_columns = [index for index, name in enumerate(headings) if aliases.get(normalise_header(name))]
    unsaved = [(above[found][0], i, cell) for i, cell in enumerate(headings) if isinstance(cell, Unsaved)]
    table = Table(unused=unused, ignored=sheets_passed_over(passed_over))
    unread = {alias: f for alias, f in aliases.items() if f not in columns}
    for name in unused:
        close = difflib.get_close_matches(normalise_header(name), unread, n=1, cutoff=RESEMBLANCE)
        if close:
            known = unread[close[0]]
            table.doubtful.append((name, (labels or {}).get(known, known)))
    blank = 0
    for line, cells in above[:found]:
        if any(cell.strip() for cell in cells):
            table.ignored.append(_left_out(line, cells, "is above the headings"))
        else:
            blank += 1
    blank_above, repeats = blank, 0
    # Of each row, only what the import reads is kept: the values of its fields and, for a row that may be a footer
    # (the last such rows are, and those before the headings again), what the list of lines left out says of it. A
    # row's other cells are let go as it is read, so memory follows the columns read, not the file's width (ESR's
    # Staff in Post report has 50-60).
    records, footers, between = [], [], []
    disagreements = _Disagreements(headings, aliases, labels)
    # The headings again part way down (a report that repeats them on each page, two downloads pasted together)
    repeated = [normalise_header(headings[i]) for i in read_columns]
    # How each field's cell is read
    readers = {f: number_value if f in numbers else name_value if f in names else cell_value for f in columns}
    for line, cells in itertools.chain(above[found + 1 :], lines):
        unsaved.extend((line, i, cells[i]) for i in read_columns if i < len(cells) and isinstance(cells[i], Unsaved))
        if not any(cell.strip() for cell in cells):
            blank += 1
            continue
        if [normalise_header(cells[i]) if i < len(cells) else "" for i in read_columns] == repeated:
            # A page break: the page's footer and the next page's title above the headings again are no records
            page = _footers_popped(records, footers, page_break=True)
            between.extend(page)
            table.ignored.extend(
                f"Line {line}: '{text}' is a page's footer or title, not a record" for line, text in page
            )
            table.ignored.append(_left_out(line, cells, "repeats the headings"))
            repeats += 1
            continue
        records.append((line, {f: (readers[f](cells[i]) if i < len(cells) else "") for f, i in columns.items()}))
        footer = _is_footer(cells, columns, required, codes, above=len(records) - 1 - _footers_at_end(footers))
        # A line of one cell (a title, "Page 1 of 2") is no record just before the headings again, whatever it says
        one_cell = not footer and sum(1 for cell in cells if cell.strip()) == 1
        footers.append((line, _line_text(cells), footer) if footer or one_cell else None)
        disagreements.compare(line, cells)
    _refuse_unsaved(unsaved)
    left_out = _footers_popped(records, footers)
    table.ignored.extend(f"Line {line}: '{text}' is a footer or summary line, not a record" for line, text in left_out)
    if not records:
        under = _nothing_under(between + left_out, repeats, blank - blank_above)
        raise CsvFileError(
            f"The file has no rows to import: its headings (line {above[found][0]}) have {under}. Nothing was "
            "changed. Check that the report was run for the people and dates you meant, then upload it again."
        )
    if blank:
        table.ignored.append(f"{blank} blank line{'s' if blank != 1 else ''}")
    table.records = records
    table.hidden = _hidden_read(hidden, records)
    disagreements.refuse(before=records[-1][0] + 1)
    return table


def _footers_at_end(footers: list) -> int:
    """How many of the rows read so far, at the end, are footers: a total under a subtotal counts the records above
    both."""
    count = 0
    while count < len(footers) and footers[-1 - count] is not None and footers[-1 - count][2]:
        count += 1
    return count


def _footers_popped(records: list, footers: list, *, page_break: bool = False) -> list[tuple[int, str]]:
    """Take the footers that end `records` off both lists, and return them in the file's order, (line, text) each.
    `footers` has an entry for each record: None, or (line, text, whether it is a footer) for a footer or a line of
    one cell, which ends a page (`page_break`) but not the file: there a real row missing its values is refused."""
    popped = []
    while footers and footers[-1] is not None and (page_break or footers[-1][2]):
        popped.append(footers.pop()[:2])
        records.pop()
    return popped[::-1]


def _nothing_under(footers: list[tuple[int, str]], repeats: int, blank: int) -> str:
    """What a file with no records has under its headings, in words: "nothing under them", "only 2 footer or summary
    lines under them (line 3: 'Report total: 0')", the first of the `footers` ((line, text) each) named."""
    kinds = []
    if footers:
        (line, text), many = footers[0], len(footers) != 1
        kinds.append(f"{len(footers)} footer or summary line{'s' if many else ''} (line {line}: '{text}')")
    if repeats:
        kinds.append(f"the headings again{f' {repeats} times' if repeats != 1 else ''}")
    if blank:
        kinds.append(f"{blank} blank line{'s' if blank != 1 else ''}")
    if not kinds:
        return "nothing under them"
    return f"only {kinds[0] if len(kinds) == 1 else _listed(kinds)} under them"


def _hidden_read(hidden: list[int], records: list[tuple[int, dict[str, str]]]) -> str:
    """What the dry run says of records in rows Excel hides: HR who filtered a download to the rows they meant would
    otherwise apply the rows they could not see."""
    if not hidden:
        return ""
    lines, index = [], 0  # both in the file's order: walked together, with no set of every record's line
    for line, _ in records:
        while index < len(hidden) and hidden[index] < line:
            index += 1
        if index < len(hidden) and hidden[index] == line:
            lines.append(line)
    if not lines:
        return ""
    named = [f"{line}" for line in lines[:HIDDEN_NAMED]]
    if len(lines) > HIDDEN_NAMED:
        named.append(f"{len(lines) - HIDDEN_NAMED:,} more")
    one = len(lines) == 1
    return (
        f"{len(lines):,} row{'' if one else 's'} {'is' if one else 'are'} hidden in Excel (by a filter or by hand) and "
        f"{'was' if one else 'were'} read: {'line ' + named[0] if one else 'lines ' + _listed(named)}"
    )


def _refuse_unsaved(cells: list[tuple[int, int, str]]) -> None:
    """Refuse the file if any of `cells` (line, column index, value) is a formula with no saved value: read as
    empty, it would cost a row a date or a number, or make it look blank and be left out. Names the sheet and the
    first cells as Excel names them (D7, D8...)."""
    from openpyxl.utils import get_column_letter

    unsaved = [(line, index, cell) for line, index, cell in cells if isinstance(cell, Unsaved)]
    if not unsaved:
        return
    named = [f"{get_column_letter(index + 1)}{line}" for line, index, _ in unsaved[:UNSAVED_NAMED]]
    if len(unsaved) > UNSAVED_NAMED:
        named.append(f"{len(unsaved) - UNSAVED_NAMED:,} more")
    where = f"cell {named[0]} holds a formula" if len(named) == 1 else f"cells {_listed(named)} hold formulas"
    sheet = unsaved[0][2].sheet
    raise CsvFileError(
        f"On the sheet '{sheet}', {where} with no saved value (the file was made by a program that did not calculate "
        "them), so what they show cannot be read. Open the file in Excel and save it, or paste the values in place "
        "of the formulas, then upload it again."
    )


def _listed(names: list[str]) -> str:
    return f"{', '.join(names[:-1])} and {names[-1]}"


class _Disagreements:
    """Two columns the import would read as one field ("Email Address" and "Work Email", "Hire Date" and "Assignment
    Start Date") are read from the first; that is safe only while they agree. The first record where they do not
    stops the file, naming both columns: which is right is HR's to say, not the column order's. Rows are compared as
    they are read (`compare`), keeping each field's first disagreement only; `refuse` is told where the records end,
    as the footers under them are no records."""

    def __init__(self, headings: list[str], aliases: dict[str, str], labels: dict[str, str] | None):
        self.headings, self.labels = headings, labels or {}
        by_field: dict[str, list[int]] = {}
        for index, name in enumerate(headings):
            field_name = aliases.get(normalise_header(name))
            if field_name:
                by_field.setdefault(field_name, []).append(index)
        self.twice = {name: indexes for name, indexes in by_field.items() if len(indexes) > 1}
        self.first: dict[str, tuple[int, list[str]]] = {}  # field -> (line, the values) where they first differ

    def compare(self, line: int, cells: list[str]) -> None:
        for field_name, indexes in self.twice.items():
            if field_name in self.first:
                continue
            values = [cell_value(cells[i]) if i < len(cells) else "" for i in indexes]
            if len(set(values)) > 1:
                self.first[field_name] = (line, values)

    def refuse(self, *, before: int) -> None:
        """Refuse the file for the first field (in the order of the headings) whose columns differ on a line before
        `before`."""
        for field_name, indexes in self.twice.items():
            line, values = self.first.get(field_name, (before, []))
            if line >= before:
                continue
            label = self.labels.get(field_name, field_name)
            said = zip(indexes, values, strict=True)
            named = " and ".join(f"'{self.headings[i].strip()}' ('{quoted(value, 40)}')" for i, value in said)
            raise CsvFileError(
                f"Line {line}: the columns {named} would each be read as the {label}, and they differ. Remove the "
                "column that is not the one to read (or rename it), then upload the file again."
            )


def _headings(cells: list[str], aliases: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """A row read as headings: {field: its column} for those a field reads (the first, if two do), and the rest."""
    columns, unused = {}, []
    for index, name in enumerate(cells):
        field_name = aliases.get(normalise_header(name))
        if field_name and field_name not in columns:
            columns[field_name] = index
        elif name.strip():
            unused.append(name.strip())
    return columns, unused


def _names(fields: set[str], labels: dict[str, str] | None) -> str:
    return ", ".join(sorted((labels or {}).get(name, name) for name in fields))


def _left_out(line: int, cells: list[str], why: str) -> str:
    return f"Line {line}: '{_line_text(cells)}' {why}, not a record"


def _line_text(cells: list[str]) -> str:
    """A line left out as the list of what was left out shows it: its cells that hold anything, as Excel shows them,
    at most 80 characters."""
    return " ".join(value for value in map(cell_value, cells) if value)[:80]


def _is_footer(
    cells: list[str], columns: dict[str, int], required: set[str], codes: set[str] = frozenset(), above: int = -1
) -> bool:
    """A row under the data that is not a record: most of the required values are missing, or it starts with a
    footer's label ("Report total: 250", "End of report") and has only figures after it (counts, a date: "Total,12",
    "Report run on,07/12/2026"). Cells are read as Excel shows them (="Total" is Total), as the records are. Only the
    first cell that holds anything is read for the label, because that is where a report writes it; a word like
    "Records" or "Total" anywhere else is a value of a real row ("Records Officer", "Total Reward Manager"), and a
    real last row missing one value must be rejected by its line, not dropped as a footer, even when it starts with
    a team whose name starts like a label ("Total Quality"). A row of a label and counts that fills every required
    column is a total only on evidence beyond its shape (below): a team may be named 'Total'. `above` is the number
    of records above the row, footers not counted."""
    values = [cell_value(cell) for cell in cells]
    filled = [value for value in values if value]
    required_filled = sum(1 for f in required if columns[f] < len(values) and values[columns[f]])
    if required_filled * 2 < len(required):
        return True
    if not FOOTER.search(filled[0]):
        return False
    figures = all(COUNT.fullmatch(value) or _is_date(value) for value in filled[1:])
    # A label with only counts after it ("Total,12") is a total however few columns are required: an organisation
    # file's two (code and name) are both filled by it. With them all filled, the label must be alone in its cell: a
    # team named 'Total Quality' and coded 4101 is a team
    if required_filled < len(required):
        return figures
    if not (TOTAL_LABEL.fullmatch(filled[0].rstrip(" :")) and all(COUNT.fullmatch(cell) for cell in filled[1:])):
        return False
    # A label alone and counts after it, filling every column a record needs, is also how a record of a team named
    # 'Total' with a numeric code (4101) reads. It is a total only on sound evidence: a count where no record holds
    # a bare number (the name column: a team named '12'), or one that counts the records above it. A count in a code
    # column is none (many trusts' codes are numbers), nor is one in a column the import does not read (a headcount).
    label_at = values.index(filled[0])
    field_at = {index: name for name, index in columns.items()}
    counts = [(field_at.get(index), value) for index, value in enumerate(values) if value and index != label_at]
    return any(name is not None and name not in codes for name, _ in counts) or any(
        _count(value) == above for _, value in counts
    )


def _count(value: str) -> int | None:
    """A count as a report writes it ("1,234", "1 234"), or None for a figure with a decimal part."""
    digits = re.sub(r"[, ]", "", value)
    return int(digits) if digits.isdigit() else None


def _is_date(value: str) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    return True
