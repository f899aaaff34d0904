"""Finding the formulas in an XLSX sheet that have no saved value.

A workbook keeps, beside each formula, the value Excel last calculated for it; the imports read that value
(openpyxl's data_only). A file written by a script or exported by a tool that never calculated it has the formula
alone (openpyxl itself writes an empty value), which reads as an empty cell: a row would lose a date or a number, or
look blank and be left out. So the sheet's XML is read a second time, streamed, for such cells, but only if it holds a
formula at all: a quick look through its bytes, a small part of the cost of reading it (docs/benchmarks.md)."""

import re
from collections.abc import Iterator

from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

ROW, CELL, FORMULA, VALUE = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("row", "c", "f", "v"))
# A formula's tag as any writer spells it: <f>, <f t="shared" .../>, or with a prefix for the namespace (<x:f>).
FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
CHUNK = 1 << 20
OVERLAP = 64  # bytes kept from the end of one chunk, so that a tag cut in two by the chunks is still found


def has_formulas(worksheet) -> bool:
    """Whether the sheet's XML holds a formula's tag (or something like one: a conditional format's own formula)."""
    return sheet_holds(worksheet, FORMULA_TAG)


def sheet_holds(worksheet, pattern: re.Pattern) -> bool:
    """Whether the sheet's XML holds `pattern` (of fewer than OVERLAP bytes), read in chunks."""
    tail = b""
    with _source(worksheet) as source:
        while chunk := source.read(CHUNK):
            if pattern.search(tail + chunk):
                return True
            tail = chunk[-OVERLAP:]
    return False


def unsaved_formulas(worksheet) -> Iterator[tuple[int, list[int]]]:
    """(row number, [column numbers]) of each row that has a formula with no saved value, in the sheet's order, rows
    and columns numbered from 1 as openpyxl numbers them (a row or cell without its own number follows the last).

    No saved value: no value, or an empty one (as openpyxl writes a formula). An empty value with the type "str" is
    saved: it is what Excel writes for a formula whose result is empty text (=IF(A2="","",A2))."""
    row_number = 0
    with _source(worksheet) as source:
        for _, element in iterparse(source):
            if element.tag != ROW:
                continue
            number = element.get("r")
            row_number = int(float(number)) if number else row_number + 1
            column, unsaved = 0, []
            for cell in element:
                if cell.tag != CELL:
                    continue
                coordinate = cell.get("r")
                column = coordinate_to_tuple(coordinate)[1] if coordinate else column + 1
                if cell.find(FORMULA) is None:
                    continue
                value = cell.find(VALUE)
                if value is None or (not value.text and cell.get("t") != "str"):
                    unsaved.append(column)
            element.clear()
            if unsaved:
                yield row_number, unsaved


def _source(worksheet):
    # openpyxl's own way to open a read-only sheet's XML (a stream from the workbook's zip, to close after use)
    return worksheet._get_source()
