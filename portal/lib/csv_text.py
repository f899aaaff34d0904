"""A CSV's bytes as lines of cells, one line at a time: its encoding (UTF-8, else Windows-1252; Excel's "Unicode Text",
UTF-16 with its mark, read as UTF-8; UTF-16 without one and UTF-32 refused by name) and its delimiter. Only the line
being read is held as text, never the whole file decoded: a staff list as wide as ESR's (25 MB) would otherwise sit in
memory twice over while it is read (`portal.lib.csvfiles`)."""

import codecs
import csv
import itertools
import re
from collections.abc import Callable, Iterator

# How many lines from the top may come before the headings: a report's title, the day it was run, a blank line.
HEADING_SEARCH = 20
# The byte-order marks of encodings a CSV is refused in; UTF-32's first, as its little-endian mark begins with UTF-16's.
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
# The marks of Excel's "Unicode Text" (UTF-16, little-endian as Excel writes it, or big-endian), which is read.
UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# A Latin accented letter as UTF-8 writes it ("ë" is C3 AB, "ł" C5 82). In a file that is not all UTF-8, one means the
# file is mixed: read as Windows-1252 it would be two characters ("Ã«"). A Windows-1252 file seldom holds such a pair:
# Ã, Ä or Å straight before a character from 80-BF (’, €, ©, a non-breaking space...).
UTF8_LETTER = re.compile(rb"[\xc3\xc4\xc5][\x80-\xbf]")
# A line as Python's universal newlines end one (a file opened with newline=""): at CR LF, a lone CR or a lone LF,
# ending kept. Neither encoding read here writes those bytes inside another character, so the bytes split as the text.
LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
# How much of a file is decoded at a time to check its encoding.
CHUNK = 1 << 16


class CsvFileError(ValueError):
    """The file as a whole cannot be read; the message says why."""


def encoding(data: bytes) -> str:
    """UTF-8 with or without a byte-order mark ("utf-8-sig"), else Windows-1252 ("cp1252", what Excel on Windows
    saves). A file that is partly each, or holds a byte that is neither, is refused, naming the line: either reading
    would garble names. A file in UTF-16 (with its mark, `unicode_text_as_utf8` has made it UTF-8) or UTF-32 is
    refused by name: either decodes, NUL
    bytes and all, into headings that match and a control character in every value, so each line would be refused for
    a reason that names no encoding."""
    wide = _wide_encoding(data)
    if wide == "UTF-16":  # not Excel's "Unicode Text", which always writes the mark (and is read)
        raise CsvFileError(
            "This file is saved as UTF-16 text without a byte-order mark, which cannot be read for sure. Open it in "
            "Excel, save it as 'CSV UTF-8 (Comma delimited)' or as 'Excel Workbook (.xlsx)', and upload it again."
        )
    if wide:
        raise CsvFileError(
            f"This file is saved as {wide}. Save it as 'CSV UTF-8 (Comma delimited)' and upload it again."
        )
    not_utf8 = _unreadable_at(data, "utf-8")
    if not_utf8 is None:
        return "utf-8-sig"
    if UTF8_LETTER.search(data):
        raise CsvFileError(
            f"Line {_line_of(data, not_utf8)} is not saved as UTF-8, though other lines are (a file edited in two "
            "programs): read either way, some names would come out garbled. Save the whole file as 'CSV UTF-8 (Comma "
            "delimited)' and upload it again."
        )
    not_cp1252 = _unreadable_at(data, "cp1252")
    if not_cp1252 is not None:
        raise CsvFileError(
            f"Line {_line_of(data, not_cp1252)} holds the byte 0x{data[not_cp1252]:02X}, which is a character in "
            "neither UTF-8 nor Windows-1252. Save the file as 'CSV UTF-8 (Comma delimited)' and upload it again."
        )
    return "cp1252"


def unicode_text_as_utf8(data: bytes) -> bytes:
    """A file in Excel's "Unicode Text" (UTF-16 with its byte-order mark, as Excel always writes it; tab-separated,
    which `_delimiter` finds) as UTF-8, for the rest of the reading; any other file as it is. With the mark the
    encoding is not a guess, so the file is read; without one (or in UTF-32) `encoding` refuses it by name. Decoded a
    chunk at a time, so only the UTF-8 copy is held, never the whole file as text."""
    found = [(bom, codec) for bom, codec in UTF16_BOMS if data.startswith(bom)]
    if not found or _wide_encoding(data) != "UTF-16":  # UTF-32's little-endian mark begins with UTF-16's
        return data
    bom, codec = found[0]
    decoder, out = codecs.getincrementaldecoder(codec)(), bytearray()
    for start in range(len(bom), len(data), CHUNK):
        try:
            out += decoder.decode(data[start : start + CHUNK], final=start + CHUNK >= len(data)).encode("utf-8")
        except UnicodeDecodeError as error:  # half of a surrogate pair, or an odd byte at the end
            # what the decoder held (a character the last chunk cut in two, then this chunk) up to the fault
            read = bytes(out) + error.object[: error.start].decode(codec, errors="ignore").encode("utf-8")
            line = _line_of(read, len(read))
            raise CsvFileError(
                f"Line {line} is not saved as UTF-16, though the file starts as Excel's 'Unicode Text' does: read, "
                "some names would come out garbled. Save the file as 'CSV UTF-8 (Comma delimited)' and upload it "
                "again."
            ) from error
    return bytes(out)


def _unreadable_at(data: bytes, codec: str) -> int | None:
    """Where the first byte `codec` cannot read is in `data`, or None if it reads it all: decoded a chunk at a time,
    the text let go, so checking a file never holds it all as text."""
    decoder = codecs.getincrementaldecoder(codec)()
    for start in range(0, len(data), CHUNK):
        pending = len(decoder.getstate()[0])  # the bytes of a character the last chunk cut in two
        try:
            decoder.decode(data[start : start + CHUNK], final=start + CHUNK >= len(data))
        except UnicodeDecodeError as error:
            return start - pending + error.start
    return None


def _line_of(data: bytes, offset: int) -> int:
    """The line the byte at `offset` is on, the lines ending as `LINE` ends them: at CR LF, a lone CR (Excel for Mac's
    "CSV (Macintosh)") or a lone LF."""
    ends = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - data.count(b"\r\n", 0, offset)
    return ends + 1


def _wide_encoding(data: bytes) -> str:
    """'UTF-16' or 'UTF-32' if the file is saved so, by its byte-order mark or, without one, by its NUL bytes: text
    in either is mostly ASCII (headings, numbers, emails), which they write with one NUL in two bytes (UTF-16) or
    three in four (UTF-32). A stray NUL in a UTF-8 file is not an encoding: its value is refused by line."""
    for bom, name in WIDE_BOMS:
        if data.startswith(bom):
            return name
    sample = data[:4096]
    nuls = sample.count(0)
    if not nuls or nuls * 4 < len(sample):
        return ""
    return "UTF-32" if nuls * 8 > len(sample) * 5 else "UTF-16"


def text_lines(data: bytes, name: str) -> Iterator[str]:
    """The file's lines as text, one at a time, each with its ending, as a file opened with newline="" gives them
    (what the csv module reads). `name` is the `encoding`; a byte-order mark is not part of the first line."""
    start = len(codecs.BOM_UTF8) if name == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
    codec = "utf-8" if name == "utf-8-sig" else name
    for line in LINE.finditer(data, start):
        yield line.group().decode(codec)


def csv_lines(data: bytes, reads_every: Callable[[list[str]], bool]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record of a CSV, numbered as a spreadsheet shows them (a value holding a line
    break spans two). `reads_every(cells)` says whether a line read as headings holds every required one: the
    delimiter is the one that splits such a line (`_delimiter`)."""
    data = unicode_text_as_utf8(data)
    name = encoding(data)
    if not any(line.strip() for line in text_lines(data, name)):
        raise CsvFileError("The file is empty.")
    delimiter = _delimiter(itertools.islice(text_lines(data, name), HEADING_SEARCH), reads_every)
    reader = csv.reader(text_lines(data, name), delimiter=delimiter)
    line = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvFileError(f"Line {line}: {error}.") from error
        yield line, record
        line = reader.line_num + 1


def _delimiter(top: Iterator[str], reads_every: Callable[[list[str]], bool]) -> str:
    """Comma, semicolon or tab (Excel's "Text (Tab delimited)"): the one that splits a line among the first 20 into
    every required heading (a title above the headings may hold any), else the one the first line holds more of.
    `top` is the file's first lines, which hold at least its first 20 as str.splitlines counts them."""
    first_lines = "".join(top).splitlines()[:HEADING_SEARCH]
    for line, delimiter in itertools.product(first_lines, (",", ";", "\t")):
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except csv.Error:  # a line too long to be headings; reading the file says which line it is
            continue
        if reads_every(cells):
            return delimiter
    return ";" if first_lines[0].count(";") > first_lines[0].count(",") else ","
