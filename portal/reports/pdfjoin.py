"""Joining PDFs laid out part by part into one document, written out object by object as it goes, with "Page N of
M" stamped on every page.

xhtml2pdf lays a document out in memory, and pypdf's PdfWriter holds every page of what it writes until the end
(3,000 pages took 160 MB and 18 s), so a large evidence pack is laid out in parts, and the parts are joined here:
each part's objects are read, renumbered and written straight to the output, and only their positions (for the
cross-reference table) and the list of pages are kept. Memory stays flat whatever the number of pages.

No part can number its own pages, not knowing how many come before and after it, so the numbers are stamped here:
each is a small form, drawn after the page's own content, which is copied as it is and never decoded (pypdf's
merge_page parses a page's whole content: 20 ms a page)."""

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
)

from .pdf import FONTS

# Where "Page N of M" goes: right-aligned at the right margin, on the first line of the footer frame the pack's
# pages keep for it (templates/reports/pack/base.html: 0.8 cm high, its bottom 0.7 cm above the page's edge), in the
# footer's 7.5 pt grey.
CM = 72 / 2.54
PAGE_NUMBER_RIGHT = 595.28 - 1.5 * CM  # A4's width less the 1.5 cm margin, in points
PAGE_NUMBER_BASELINE = (0.7 + 0.8) * CM - 5.7  # xhtml2pdf sets a 7.5 pt first line 5.7 pt below the frame's top
PAGE_NUMBER_SIZE = 7.5
PAGE_NUMBER_COLOUR = "#4c6272"

NUMBERS_AT_A_TIME = 200  # pages of "Page N of M" made in one document

CATALOG, PAGES, INFO = 1, 2, 3  # written last, when the pages are known
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")  # a page may take these from its parents


def pdf_join(parts: Sequence[Path], dest: BinaryIO) -> int:
    """Join the PDFs `parts`, in order, into `dest` (a file open for writing bytes), stamping "Page N of M" on
    every page. The joined document has the first part's title and author. Returns M, the number of pages."""
    total = sum(_page_count(part) for part in parts)
    numbers = _numbered_pages(total)
    joined = _Joined(dest)
    info = {}
    for path in parts:
        reader = PdfReader(path)  # one part's reader at a time, with all it has read
        info = info or _text_entries(reader.metadata)
        copied: dict[int, int] = {}  # the part's object numbers, and theirs in the joined document
        for page in reader.pages:
            joined.page(page, copied, *next(numbers))
    joined.finish(info)
    return total


def _numbered_pages(total: int):
    """("Page N of `total`" as a page of its own, what of its document is copied already) for N from 1 on, made
    NUMBERS_AT_A_TIME at a time: one document of them all held 9 MB a 1,000 pages."""
    for first in range(1, total + 1, NUMBERS_AT_A_TIME):
        reader = PdfReader(io.BytesIO(_page_numbers(first, min(first + NUMBERS_AT_A_TIME - 1, total), total)))
        copied: dict[int, int] = {}  # its font, copied once for all its pages
        for page in reader.pages:
            yield page, copied


def _page_count(path: Path) -> int:
    """How many pages the PDF at `path` has, as its page tree says, without reading the pages."""
    return int(PdfReader(path).trailer["/Root"]["/Pages"]["/Count"])


def _text_entries(metadata) -> dict:
    """The document information's plain entries (title, author, creator, producer, dates)."""
    if not metadata:
        return {}
    return {key: metadata[key] for key in metadata if isinstance(metadata[key], str)}


class _Joined:
    """The joined document as it is written: each object as soon as it is copied, its position noted."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.start = out.tell()
        self.positions: list[int] = [0, 0, 0, 0]  # by object number; 0 is never used, 1 to 3 are written last
        self.kids: list[IndirectObject] = []
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        self.before = self._write_new(_stream(DictionaryObject(), b"q\n"))
        self.after = self._write_new(_stream(DictionaryObject(), b"Q\n"))
        self.draw = self._write_new(_stream(DictionaryObject(), b"q /PageNumber Do Q\n"))

    def page(self, page, copied: dict[int, int], numbered, numbers_copied: dict[int, int]) -> None:
        """Copy `page` and everything it uses (`copied`: what of its document is copied already), with the page
        `numbered` (of the page numbers' document) drawn on it as a form."""
        reader, pending = page.pdf, []
        mine = self._reserve()
        if page.indirect_reference is not None:
            copied[page.indirect_reference.idnum] = mine  # anything pointing back at the page finds it here
        entries = DictionaryObject()
        for key in sorted({*page.keys(), *INHERITED} - {"/Parent", "/Resources"}):
            value = _inherited(page, key)
            if value is not None:
                entries[NameObject(key)] = self._relink(value, reader, copied, pending)
        # The page's resources as its own: parts share one dictionary between their pages, and each page names a
        # different form for its number.
        resources = DictionaryObject(_inherited(page, "/Resources", resolve=True) or {})
        forms = DictionaryObject(resources.pop(NameObject("/XObject"), DictionaryObject()).get_object())
        resources = self._relink(resources, reader, copied, pending)
        forms = self._relink(forms, reader, copied, pending)
        forms[NameObject("/PageNumber")] = self._number_form(numbered, numbers_copied, pending)
        resources[NameObject("/XObject")] = forms
        entries[NameObject("/Resources")] = resources
        contents = entries.get("/Contents")
        drawing = [] if contents is None else list(contents) if isinstance(contents, ArrayObject) else [contents]
        # The page's own drawing between q and Q: whatever state it leaves, the number is drawn where it belongs.
        entries[NameObject("/Contents")] = ArrayObject([self.before, *drawing, self.after, self.draw])
        entries[NameObject("/Parent")] = IndirectObject(PAGES, 0, None)
        self._write(mine, entries)
        self._drain(pending)
        self.kids.append(IndirectObject(mine, 0, None))

    def finish(self, info) -> None:
        pending: list = []
        self._write(
            PAGES,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Pages"),
                    NameObject("/Kids"): ArrayObject(self.kids),
                    NameObject("/Count"): NumberObject(len(self.kids)),
                }
            ),
        )
        self._write(
            CATALOG,
            DictionaryObject(
                {NameObject("/Type"): NameObject("/Catalog"), NameObject("/Pages"): IndirectObject(PAGES, 0, None)}
            ),
        )
        self._write(INFO, DictionaryObject({NameObject(key): value for key, value in info.items()}))
        self._drain(pending)
        table = self.out.tell() - self.start
        lines = [f"xref\n0 {len(self.positions)}\n0000000000 65535 f \n"]
        lines += [f"{position:010d} 00000 n \n" for position in self.positions[1:]]
        self.out.write("".join(lines).encode("ascii"))
        self.out.write(b"trailer\n")
        DictionaryObject(
            {
                NameObject("/Size"): NumberObject(len(self.positions)),
                NameObject("/Root"): IndirectObject(CATALOG, 0, None),
                NameObject("/Info"): IndirectObject(INFO, 0, None),
            }
        ).write_to_stream(self.out)
        self.out.write(f"\nstartxref\n{table}\n%%EOF\n".encode("ascii"))

    def _number_form(self, numbered, copied: dict[int, int], pending) -> IndirectObject:
        form = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(numbered.mediabox),
                NameObject("/Resources"): self._relink(numbered["/Resources"], numbered.pdf, copied, pending),
            }
        )
        return self._write_new(_stream(form, numbered.get_contents().get_data()))

    def _relink(self, value: PdfObject, reader, copied: dict[int, int], pending: list) -> PdfObject:
        """`value` with every reference renumbered for the joined document; what it refers to is queued to copy."""
        if isinstance(value, IndirectObject):
            number = copied.get(value.idnum)
            if number is None:
                number = copied[value.idnum] = self._reserve()
                pending.append((reader, value.idnum, copied))
            return IndirectObject(number, 0, None)
        if isinstance(value, StreamObject):
            entries = {key: self._relink(item, reader, copied, pending) for key, item in value.items()}
            return _stream(DictionaryObject(entries), value._data)  # as stored (still compressed), never decoded
        if isinstance(value, DictionaryObject):
            return DictionaryObject({key: self._relink(item, reader, copied, pending) for key, item in value.items()})
        if isinstance(value, ArrayObject):
            return ArrayObject(self._relink(item, reader, copied, pending) for item in value)
        return value

    def _drain(self, pending: list) -> None:
        while pending:
            reader, number, copied = pending.pop()
            self._write(copied[number], self._relink(reader.get_object(number), reader, copied, pending))

    def _reserve(self) -> int:
        self.positions.append(0)
        return len(self.positions) - 1

    def _write_new(self, value: PdfObject) -> IndirectObject:
        number = self._reserve()
        self._write(number, value)
        return IndirectObject(number, 0, None)

    def _write(self, number: int, value: PdfObject) -> None:
        self.positions[number] = self.out.tell() - self.start
        self.out.write(f"{number} 0 obj\n".encode("ascii"))
        if isinstance(value, _RawStream):
            value.write(self.out)
        else:
            value.write_to_stream(self.out)
        self.out.write(b"\nendobj\n")


class _RawStream:
    """A stream to write: its dictionary, and its data exactly as given."""

    def __init__(self, entries: DictionaryObject, data: bytes):
        self.entries, self.data = entries, data

    def write(self, out: BinaryIO) -> None:
        self.entries[NameObject("/Length")] = NumberObject(len(self.data))
        self.entries.write_to_stream(out)
        out.write(b"\nstream\n")
        out.write(self.data)
        out.write(b"\nendstream")


def _stream(entries: DictionaryObject, data: bytes) -> _RawStream:
    return _RawStream(entries, data)


def _inherited(page, key: str, *, resolve: bool = False):
    """The page's `key`, or the nearest of its parents' (resources, media box, rotation are inherited): as stored
    (a reference stays a reference) unless `resolve`."""
    node = page
    while key not in node and "/Parent" in node:
        node = node["/Parent"]
    if key not in node:
        return None
    return node[key] if resolve else node.raw_get(key)


@cache
def _page_number_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "PortalPageNumbers"
    pdfmetrics.registerFont(TTFont(name, str(FONTS / "DejaVuSans.ttf")))
    return name


def _page_numbers(first: int, last: int, total: int) -> bytes:
    """A PDF of A4 pages with nothing on them but "Page N of `total`", for N from `first` to `last`, where the
    pack's footer keeps room."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    output = io.BytesIO()
    canvas = Canvas(output, pagesize=A4)
    font = _page_number_font()
    for number in range(first, last + 1):
        canvas.setFont(font, PAGE_NUMBER_SIZE)
        canvas.setFillColor(HexColor(PAGE_NUMBER_COLOUR))
        canvas.drawRightString(PAGE_NUMBER_RIGHT, PAGE_NUMBER_BASELINE, f"Page {number} of {total}")
        canvas.showPage()
    canvas.save()
    return output.getvalue()
