"""Reading an Excel workbook for `csvfiles.read_table`: the sheet to read, each row's cells as Excel shows them, a
formula with no saved value marked, the rows the sheet hides noted."""

import datetime
import io
import re
from collections.abc import Iterator

from .csv_text import CsvFileError

XLSX_MAGIC = b"PK\x03\x04"
# A number format of zeros only ("00000000"): Excel shows 12345 as 00012345, as an employee number is written.
ZERO_PADDED = re.compile(r"^0{2,}$")


class Unsaved(str):
    """An XLSX cell holding a formula with no saved value (`xlsx_formulas`): empty, as openpyxl reads it, and marked
    so that `read_table` can refuse it where its value would be read. One for a sheet, put in each such cell (a cell
    is named by its line and column, as the table knows them): a cell each would cost memory for a file of them."""

    def __new__(cls, sheet: str):
        cell = super().__new__(cls, "")
        cell.sheet = sheet
        return cell


def xlsx_lines(
    data: bytes, sheet: str, hidden: list[int], passed_over: list[str] | None = None
) -> Iterator[tuple[int, list[str]]]:
    """An Excel workbook, read-only and streamed (a 100,000-row report never sits in memory as cells): the sheet named
    `sheet`, else the first sheet Excel shows that holds anything (a report may keep its parameters on a hidden sheet
    before it, and Excel's blank 'Sheet1' may be left in front of it): `_worksheet`, which notes in `passed_over` the
    empty sheets it passed over. Each cell is read as Excel shows it where that matters: a number shown with leading
    zeros keeps them. A formula is read as its saved value; one with none is an `Unsaved` cell, for `read_table` to
    refuse where it is read. The number of each row the sheet hides is added to `hidden` as the row is read."""
    from .xlsx_formulas import has_formulas, unsaved_formulas
    from .xlsx_hidden import hidden_rows

    workbook = _workbook(data)
    unsaved = hides = None
    try:
        worksheet = _worksheet(workbook, sheet, passed_over)
        # Read-only mode stops at the size the sheet states, and some export tools state "A1" or too small a range.
        worksheet.reset_dimensions()
        unsaved = unsaved_formulas(worksheet) if has_formulas(worksheet) else iter(())
        hides = hidden_rows(worksheet)
        pending, marker = next(unsaved, None), Unsaved(worksheet.title)
        next_hidden = next(hides, None)
        for number, row in enumerate(worksheet.iter_rows(), start=1):
            cells = [_cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row]
            while next_hidden is not None and next_hidden < number:
                next_hidden = next(hides, None)
            if next_hidden == number:
                hidden.append(number)
            while pending is not None and pending[0] < number:
                pending = next(unsaved, None)
            if pending is not None and pending[0] == number:
                for column in pending[1]:
                    cells.extend([""] * (column - len(cells)))
                    cells[column - 1] = marker
            yield number, cells
    finally:
        for stream in (unsaved, hides):
            if hasattr(stream, "close"):  # its stream of the sheet, if the file's reading stopped part way
                stream.close()
        workbook.close()


def _workbook(data: bytes):
    import openpyxl

    from .xlsx_package import check_package

    check_package(data)  # before openpyxl reads any of it: a small file can unpack to gigabytes
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # a damaged workbook: openpyxl raises many kinds
        raise CsvFileError(
            f"The Excel file cannot be read ({error.__class__.__name__}). Save it again as .xlsx or CSV."
        ) from error


def _worksheet(workbook, sheet: str, passed_over: list[str] | None = None):
    """The sheet named `sheet` (HR's choice, read as it is), else the first sheet Excel shows that holds anything: an
    empty sheet has nothing to import, so one left in front of the report leaves no doubt which to read. The titles of
    the empty sheets passed over, then the one read, are added to `passed_over`. With every shown sheet empty, the
    first is read (and refused as empty)."""
    if sheet:
        if sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            raise CsvFileError(f"The workbook has no sheet called '{sheet}' (its sheets: {names}).")
        return workbook[sheet]
    shown = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"] or workbook.worksheets
    empty = []
    for worksheet in shown:
        if _holds_anything(worksheet):
            if passed_over is not None and empty:
                passed_over.extend([*empty, worksheet.title])
            return worksheet
        empty.append(worksheet.title)
    return shown[0]


def _holds_anything(worksheet) -> bool:
    """Whether the sheet has a cell with a value that is not blank, or a formula (whose value may not be saved: it
    is read, to be refused by `read_table`). Read up to its first such cell only."""
    from .xlsx_formulas import has_formulas

    worksheet.reset_dimensions()  # read-only mode stops at the size the sheet states, which may be too small
    for row in worksheet.iter_rows(values_only=True):
        if any(value is not None and str(value).strip() for value in row):
            return True
    return has_formulas(worksheet)


def sheets_passed_over(titles: list[str]) -> list[str]:
    """What the dry run says of the empty sheets `xlsx_lines` passed over: `titles` is theirs, then the sheet's read."""
    if not titles:
        return []
    *empty, read = titles
    quoted = [f"'{title}'" for title in empty]
    named = quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"
    one = len(empty) == 1
    return [f"The sheet{'' if one else 's'} {named} {'is' if one else 'are'} empty: the sheet '{read}' was read"]


def other_sheets(data: bytes, sheet: str) -> str:
    """For a workbook with more than one sheet to show, which was read and which were not, to end a message saying
    the headings were not found (they may be on another sheet); "" for a CSV or a workbook of one sheet."""
    if data[:4] != XLSX_MAGIC:
        return ""
    workbook = _workbook(data)
    try:
        read = _worksheet(workbook, sheet).title
        others = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible" and ws.title != read]
    finally:
        workbook.close()
    if not others:
        return ""
    return f" This is the sheet '{read}'; the workbook's other sheets: {', '.join(others)}."


def _cell_text(value, number_format: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0 and ZERO_PADDED.match(number_format or ""):
        return str(value).zfill(len(number_format))
    return str(value)
