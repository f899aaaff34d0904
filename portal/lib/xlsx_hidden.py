"""Finding the rows an XLSX sheet hides (by a filter, or by hand). openpyxl's read-only sheets, which the imports
stream, do not keep the rows' attributes, so the sheet's XML is read a second time, streamed, for them; only if it
holds the word at all (a quick look through its bytes, as for formulas). Memory stays flat: a row is let go as it is
read, and only the numbers of hidden rows are yielded."""

import re
from collections.abc import Iterator

from openpyxl.xml.functions import iterparse

from .xlsx_formulas import ROW, _source, sheet_holds

# XML allows spaces around "=" (hidden = "1"); an xsd:boolean value, spaces around it (" 1 ")
HIDDEN_ATTRIBUTE = re.compile(rb"hidden\s*=")


def hidden_rows(worksheet) -> Iterator[int]:
    """The number of each row the sheet hides, in the sheet's order, numbered from 1 as openpyxl numbers them."""
    if not sheet_holds(worksheet, HIDDEN_ATTRIBUTE):
        return
    row_number, open_elements = 0, []  # the elements begun and not yet ended: each one's parent is the one before
    with _source(worksheet) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                open_elements.append(element)
                continue
            open_elements.pop()
            if element.tag != ROW:
                continue
            number = element.get("r")
            row_number = int(float(number)) if number else row_number + 1
            hidden = (element.get("hidden") or "").strip() in ("1", "true")
            # The row read is let go, cells and all, and taken from what holds it (<sheetData>, or another element in
            # a file that puts one elsewhere, as openpyxl reads it too): cleared only, a row read stays (empty) under
            # <sheetData>, and 100,000 of them are memory
            if open_elements:
                open_elements[-1].remove(element)
            if hidden:
                yield row_number
