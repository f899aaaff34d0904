"""What openpyxl would build from one sheet of an uploaded .xlsx, counted before it reads it (`xlsx_package`): merged
cells, links, drop-down lists and conditional formats, rows, the cells of a row, one text, and the elements it keeps
outside the rows. Refuses at the first limit passed; nothing of the sheet is kept, so memory stays flat.

A sheet is read as bytes (`_Scan`): XML puts a "<" before every tag and nowhere else (not in a value), so tags are found
and counted by regular expressions and bytes.count, a row as the bytes from <row> to </row>: 194 MB of a 250,000-row
roster in about 2 s. What that reading cannot be sure of sends the sheet to expat instead (`_Parse`), which counts
each element as openpyxl's parser meets it, ten times slower: a comment, CDATA or document type (the only places a
"<" may be text, or markup hidden in an entity), UTF-16, a row whose namespace is not only the sheet's own (openpyxl
keeps such an element, and all in it, rather than reading it as a row), or r="XFE3" (past the last column) outside a
<c> tag (a text, or an element openpyxl would read as a cell). No writer of real files was found doing the others
in a sheet."""

import re
import zipfile
from xml.parsers import expat

from openpyxl.xml.constants import SHEET_MAIN_NS

from .csv_text import CsvFileError

MB = 1 << 20
MERGED = HYPERLINKS = VALIDATIONS = FORMATS = 50_000  # a sheet's; a link costs openpyxl 640 bytes
ROWS = 1_048_576  # Excel's limit
ROW_CELLS = 16_384  # Excel's limit (column XFD)
ROW_ELEMENTS = 4 * ROW_CELLS  # a cell's <c>, <v> or <is><t>, <f>: some to spare for rich text
ROW_BYTES = 1 * MB
TEXT_BYTES = 4 * MB  # one text, or one tag with its attributes
OTHER_ELEMENTS = 100_000  # a sheet's elements outside its rows, merged cells and links aside: openpyxl keeps them
CHUNK = 1 * MB
LAST_COLUMN = "XFD"

SAVE_AGAIN = (
    " Copy the rows to import into a new workbook and save it as 'Excel Workbook (.xlsx)', or save the sheet as "
    "'CSV UTF-8 (Comma delimited)', and upload that."
)

NAME = rb"[A-Za-z_][\w.-]*"
CELL_TAG = re.compile(rb"<(?:" + NAME + rb":)?c(?=[\s/>])")
# A cell's reference past column XFD: four letters or more, or three after XFD (XFE, XGA, YAA...), in an attribute r
# (after a space: not error="Band5 only" of a drop-down list, nor Tier="Band5" in a formula)
BEYOND_LAST_COLUMN = re.compile(
    rb"(?<=\s)r\s*=\s*[\"']\s*(\$?(?:[A-Za-z]{4,}|[YZyz][A-Za-z]{2}|[Xx][G-Zg-z][A-Za-z]|[Xx][Ff][E-Ze-z])\$?\d+)"
)
IN_CELL_TAG = re.compile(rb"<(?:" + NAME + rb":)?c(?:\s[^<>]*)?\s")  # from a cell's "<" to its attribute r
NUMBER = re.compile(rb"""\sr\s*=\s*(["'])\s*([^"']*?)\s*\1""")
LONG_NUMBER = re.compile(rb"""\sr\s*=\s*["']\s*[^"'\s]{7,}""")  # 1,000,000 or more, or not a whole number
SQREF = re.compile(rb"""\ssqref\s*=\s*(["'])([^"']*)\1""")
DECLARATION = re.compile(rb"""xmlns(?::(""" + NAME + rb"""))?\s*=\s*(["'])([^"']*)\2""")
MAIN = SHEET_MAIN_NS.encode()


class _Unusual(Exception):
    """The sheet holds what the byte scan cannot be sure of: expat reads it instead."""


def check_sheet(archive: zipfile.ZipFile, name: str, title: str) -> None:
    """Refuse (CsvFileError) the sheet `name` (shown as `title`) if openpyxl would build from it far more than a real
    staff list makes; or if the part cannot be read (a zip header stating less than the part holds: BadZipFile)."""
    try:
        try:
            _Scan(title).run(archive, name)
        except _Unusual:
            _Parse(title).run(archive, name)
    except CsvFileError:
        raise
    except Exception as error:  # BadZipFile (a part holding more than its stated size), an XML error, ...
        raise unreadable(error) from error


def check_texts(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse (CsvFileError) the shared strings part `name`, which openpyxl reads whole, if it holds one text (or
    tag) over TEXT_BYTES: a 70 MB text cost 1.8 GB. Only the distance from one "<" or ">" to the next is measured."""
    texts = _Texts(name)
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK):
                texts.measure_text(chunk)
    except CsvFileError:
        raise
    except Exception as error:  # BadZipFile (a part holding more than its stated size)
        raise unreadable(error) from error


def unreadable(error: Exception) -> CsvFileError:
    # As csvfiles says it of a workbook openpyxl cannot open
    return CsvFileError(f"The Excel file cannot be read ({error.__class__.__name__}). Save it again as .xlsx or CSV.")


def mb(size: int) -> str:
    return f"{size / MB:,.1f} MB"


class _Counts:
    """The counts both readings keep, and their refusals."""

    def __init__(self, title: str):
        self.title = title
        self.rows = self.row_number = self.merged = self.hyperlinks = self.validations = self.formats = 0
        self.other = 0

    def row(self, number: str | None) -> None:
        self.rows += 1
        try:
            self.row_number = int(float(number)) if number else self.row_number + 1
        except ValueError:  # openpyxl refuses it as it reads the row
            self.row_number += 1
        if self.rows > ROWS or self.row_number > ROWS:
            self.refuse(f"more than {ROWS:,} rows (Excel's limit)")

    def counted(self, local_name: str, sqref: str | None, found: int = 1) -> None:
        if local_name == "mergeCell":
            self.merged += found
            if self.merged > MERGED:
                self.refuse(f"more than {MERGED:,} merged cells")
        elif local_name == "hyperlink":
            self.hyperlinks += found
            if self.hyperlinks > HYPERLINKS:
                self.refuse(f"more than {HYPERLINKS:,} links")
        elif local_name == "dataValidation":
            self.validations += max(1, len((sqref or "").split()))
            if self.validations > VALIDATIONS:
                self.refuse(f"more than {VALIDATIONS:,} ranges of cells with a drop-down list or other validation")
        else:  # conditionalFormatting (its ranges) or cfRule
            self.formats += max(1, len((sqref or "").split())) if local_name == "conditionalFormatting" else 1
            if self.formats > FORMATS:
                self.refuse(f"more than {FORMATS:,} conditional formats (rules and the ranges they apply to)")

    def check_other(self) -> None:
        if self.other > OTHER_ELEMENTS:
            self.refuse(f"more than {OTHER_ELEMENTS:,} elements outside its rows (formatting or data, not cells)")

    def refuse_cells(self) -> None:
        self.refuse(f"a row (row {self.row_number:,}) of more than {ROW_CELLS:,} cells (Excel's limit)")

    def refuse_column(self, reference: str) -> None:
        self.refuse(f"a cell beyond the last column Excel has ({LAST_COLUMN}): '{reference[:20]}'")

    def refuse_row(self) -> None:
        self.refuse(f"a row (row {self.row_number:,}) of more than {mb(ROW_BYTES)} of XML")

    def refuse_text(self) -> None:
        where = f" (after row {self.row_number:,})" if self.row_number else ""
        self.refuse(f"a single text or tag of more than {mb(TEXT_BYTES)}{where}")

    def refuse(self, what: str) -> None:
        raise CsvFileError(
            f"The sheet '{self.title}' of the Excel file holds {what}, more than a staff list needs, so the file "
            "is not read." + SAVE_AGAIN
        )


class _Scan(_Counts):
    """The sheet's bytes, a megabyte at a time. Each window read ends before its last "<", so every tag in it is
    whole; a row begun and not ended is carried into the next window, at most ROW_BYTES of it. Only the rows are
    looked at one by one (bytes.count does the rest): a row's cells only when it is long enough to hold too many."""

    def __init__(self, title: str):
        super().__init__(title)
        self.namespaces: dict[bytes, set[bytes]] = {}  # prefix (b"": the default) -> each namespace it is bound to
        self.prefix = self.row_tag = None  # the sheet's own namespace's prefix, once known, and its row tag
        self.since_open = self.since_close = 0  # bytes since the last "<" and since the last ">"

    def run(self, archive: zipfile.ZipFile, name: str) -> None:
        pending, resume, in_row = b"", 0, False
        with archive.open(name) as stream:
            first = True
            while True:
                chunk = stream.read(CHUNK)
                if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]):
                    raise _Unusual  # UTF-16
                first = False
                self.measure_text(chunk)
                window = pending + chunk
                if b"<!" in window:
                    raise _Unusual  # a comment, CDATA or a document type
                end = max(resume, len(window) if not chunk else window.rfind(b"<"))
                row_start = self.scan(window, resume, end, 0 if in_row else None)
                if not chunk:
                    break
                in_row = row_start is not None
                if in_row and len(window) - row_start > ROW_BYTES:
                    self.refuse_row()
                keep = row_start if in_row else end
                pending, resume = window[keep:], end - keep
        self.check_other()

    def measure_text(self, chunk: bytes) -> None:
        for mark, attribute in ((b"<", "since_open"), (b">", "since_close")):
            first = chunk.find(mark)
            if first == -1:
                setattr(self, attribute, getattr(self, attribute) + len(chunk))
            else:
                if getattr(self, attribute) + first > TEXT_BYTES:
                    self.refuse_text()
                setattr(self, attribute, len(chunk) - chunk.rfind(mark) - 1)
            if getattr(self, attribute) > TEXT_BYTES:
                self.refuse_text()

    def scan(self, window: bytes, start: int, end: int, row_start: int | None) -> int | None:
        """Count what lies in window[start:end] (a row begun at row_start, if not None, going on into it); return
        where in the window a row begun and not ended starts."""
        self.learn_namespaces(window, start, end)
        beyond = BEYOND_LAST_COLUMN.search(window, start, end)
        if beyond:
            if not IN_CELL_TAG.fullmatch(window, window.rfind(b"<", 0, beyond.start()), beyond.start()):
                raise _Unusual  # in a text, or an element not a <c>: expat finds whether it is a cell's reference
            self.refuse_column(beyond.group(1).decode("utf-8", "replace"))
        if self.row_tag is None:
            if window.find(b"row", start, end) != -1:
                raise _Unusual  # a row before the sheet's namespace is declared, or in another namespace
            self.other += _elements(window, start, end)
            self.check_other()
            return None
        self.count_limited(window, start, end)
        outside = start if row_start is None else None
        for tag in self.row_tag.finditer(window, start, end):
            closing, attributes = tag.groups()
            if closing:
                if row_start is not None:
                    if tag.end() - row_start > ROW_CELLS * 4:  # else too short to hold too many cells
                        self.long_row(window, row_start, tag.end())
                    row_start, outside = None, tag.end()
                continue
            if row_start is not None:
                continue  # a row inside a row: an element of the row, as openpyxl reads it
            self.other += _elements(window, outside, tag.start())
            self.row(attributes)
            if attributes.endswith(b"/"):
                outside = tag.end()
            else:
                row_start = tag.start()
        if row_start is None:
            self.other += _elements(window, outside, end)
            self.check_other()
        return row_start

    def learn_namespaces(self, window: bytes, start: int, end: int) -> None:
        for declaration in DECLARATION.finditer(window, start, end):
            self.namespaces.setdefault(declaration.group(1) or b"", set()).add(declaration.group(3))
        main = [prefix for prefix, bound in self.namespaces.items() if MAIN in bound]
        if not main:
            return
        if len(main) > 1 or self.namespaces[main[0]] != {MAIN}:
            raise _Unusual  # the sheet's namespace under two names, or a name bound to it and to another
        prefix = main[0] + b":" if main[0] else b""
        if prefix != self.prefix:
            if self.prefix is not None:
                raise _Unusual
            self.prefix = prefix
            self.row_tag = re.compile(rb"<(/?)" + re.escape(prefix) + rb"row(?=[\s/>])([^>]*)>")
            self.tags = {
                local: re.compile(b"<" + re.escape(prefix) + local + rb"(?=[\s/>])([^>]*)>")
                for local in (b"dataValidation", b"conditionalFormatting", b"cfRule")
            }
        own = window.count(b"<" + prefix + b"row", start, end) + window.count(b"</" + prefix + b"row", start, end)
        if window.count(b":row", start, end) > (own if prefix else 0):
            raise _Unusual  # a row in another namespace (or ":row" in a text): openpyxl keeps such an element whole

    def count_limited(self, window: bytes, start: int, end: int) -> None:
        """Merged cells, links, validations and conditional formats in window[start:end]."""
        opening = b"<" + self.prefix
        for local, container in ((b"mergeCell", b"mergeCells"), (b"hyperlink", b"hyperlinks")):
            found = window.count(opening + local, start, end) - window.count(opening + container, start, end)
            if found:
                self.counted(local.decode(), None, found)
        for local, tag in self.tags.items():
            if window.find(opening + local, start, end) != -1:
                for element in tag.finditer(window, start, end):
                    sqref = SQREF.search(element.group(1))
                    self.counted(local.decode(), sqref.group(2).decode() if sqref else None)

    def row(self, attributes: bytes) -> None:
        if self.rows < ROWS and not LONG_NUMBER.search(attributes):
            self.rows += 1
            self.row_number = self.rows  # its number, if not the one it states: only a message names it
            return
        number = NUMBER.search(attributes)
        super().row(number.group(2).decode() if number else None)

    def long_row(self, window: bytes, start: int, end: int) -> None:
        number = NUMBER.search(self.row_tag.match(window, start).group(2))
        if number and number.group(2).isdigit():
            self.row_number = int(number.group(2))
        if end - start > ROW_BYTES:
            self.refuse_row()
        elements = _elements(window, start, end)
        if elements > ROW_ELEMENTS:
            self.refuse(f"a row (row {self.row_number:,}) of more than {ROW_ELEMENTS:,} elements")
        if elements > ROW_CELLS and len(CELL_TAG.findall(window, start, end)) > ROW_CELLS:
            self.refuse_cells()


def _elements(window: bytes, start: int, end: int) -> int:
    """How many elements begin in window[start:end]: its start and empty tags (not end tags, nor <?xml ...?>)."""
    if start >= end:
        return 0
    return window.count(b"<", start, end) - window.count(b"</", start, end) - window.count(b"<?", start, end)


class _Texts(_Scan):
    def refuse(self, what: str) -> None:
        raise CsvFileError(
            f"The Excel file's part '{self.title}' (the workbook's shared text) holds {what}, more than a staff list "
            "needs, so the file is not read." + SAVE_AGAIN
        )


class _Parse(_Counts):
    """The sheet's XML through expat, for a sheet the byte scan cannot be sure of: each element counted as openpyxl's
    parser meets it (by namespace and name), none built; a text or tag measured by the bytes between one tag and the
    next (expat's byte index), a row by its bytes from <row> to </row>."""

    ROW = f"{SHEET_MAIN_NS} row"
    COUNTED = {f"{SHEET_MAIN_NS} {name}": name for name in ("mergeCell", "hyperlink")}
    RANGED = {f"{SHEET_MAIN_NS} {name}": name for name in ("dataValidation", "conditionalFormatting", "cfRule")}

    def __init__(self, title: str):
        super().__init__(title)
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.last = 0  # the byte index of the last tag
        self.row_depth = self.row_start = self.cells = 0

    def run(self, archive: zipfile.ZipFile, name: str) -> None:
        fed = 0
        with archive.open(name) as stream:
            while chunk := stream.read(CHUNK // 16):
                self.parser.Parse(chunk, False)
                fed += len(chunk)
                if fed - self.last > TEXT_BYTES:
                    self.refuse_text()
            self.parser.Parse(b"", True)
        self.check_other()

    def start(self, name: str, attributes: dict[str, str]) -> None:
        position = self.parser.CurrentByteIndex
        if position - self.last > TEXT_BYTES:
            self.refuse_text()
        self.last = position
        if self.row_depth:
            self.row_depth += 1
            if self.row_depth == 2:  # openpyxl makes a cell of each element in a row
                self.cells += 1
                if self.cells > ROW_CELLS:
                    self.refuse_cells()
                coordinate = attributes.get("r")
                if coordinate and _beyond_last_column(coordinate):
                    self.refuse_column(coordinate.strip())
            if position - self.row_start > ROW_BYTES:
                self.refuse_row()
            return
        if name == self.ROW:
            self.row(attributes.get("r"))
            self.row_depth, self.row_start, self.cells = 1, position, 0
        elif name in self.COUNTED:
            self.counted(self.COUNTED[name], None)
        else:
            self.other += 1
            self.check_other()
            if name in self.RANGED:
                self.counted(self.RANGED[name], attributes.get("sqref"))

    def end(self, name: str) -> None:
        position = self.parser.CurrentByteIndex
        if position - self.last > TEXT_BYTES:
            self.refuse_text()
        self.last = position
        if self.row_depth:
            self.row_depth -= 1
            if position - self.row_start > ROW_BYTES:
                self.refuse_row()


def _beyond_last_column(coordinate: str) -> bool:
    letters = coordinate.strip().rstrip("0123456789$").lstrip("$")
    return len(letters) > len(LAST_COLUMN) or (len(letters) == len(LAST_COLUMN) and letters.upper() > LAST_COLUMN)
