"""portal.lib.csv_text checks a CSV's encoding a chunk at a time and decodes it a line at a time (cc3f314), so what
lies across a chunk's edge must read as it did when the file was decoded whole: a UTF-8 letter or a quoted value
holding a line break cut by the edge, a Windows-1252 file, a byte that is neither (named by its line, past a BOM)."""

import pytest

from portal.lib import csv_text
from portal.lib.csvfiles import CsvFileError, read_table
from portal.people.roster.rows import ALIASES, COLUMNS, REQUIRED

HEADER = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Start Date,Notes"


def _file(notes: str, *, end: str = "\r\n", rows: int = 3) -> str:
    """A file whose second person's notes are `notes` (quoted), so that its bytes sit where a test wants them."""
    lines = [HEADER]
    for n in range(rows):
        note = '"' + notes.replace('"', '""') + '"' if n == 1 else ""
        lines.append(f"{1000 + n},Siân,Łukasz,p{n}@example.nhs.uk,W1,01/02/2020,{note}")
    return end.join(lines) + end


def _padded_to_cut(text: str, encoding: str, marker: str, *, bom: bytes = b"", at: int = -1) -> bytes:
    """`text` encoded, "PAD" in it padded so that `marker` begins `at` bytes after the first chunk's edge (-1: the
    edge cuts a two-byte letter in two)."""
    offset = (bom + text.encode(encoding)).index(marker.encode(encoding))
    data = bom + text.replace("PAD", "x" * (csv_text.CHUNK + at - offset + 3), 1).encode(encoding)
    assert data.index(marker.encode(encoding)) == csv_text.CHUNK + at
    return data


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_quoted_line_break_and_a_letter_across_the_chunks_edge_read_as_one_value(end, bom):
    text = _file("PADé\r\nnext, line", end=end)
    data = _padded_to_cut(text, "utf-8", "é", bom=bom)
    assert len(data) > csv_text.CHUNK

    table = read_table(data, ALIASES, REQUIRED, COLUMNS)

    assert [fields["first_name"] for _, fields in table.records] == ["Siân"] * 3
    assert [fields["last_name"] for _, fields in table.records] == ["Łukasz"] * 3
    assert [line for line, _ in table.records] == [2, 3, 5]  # the value's line break: the next row is line 5


def test_a_windows_1252_file_longer_than_a_chunk_reads_as_windows_1252():
    text = _file("PAD’ café", rows=3).replace("Łukasz", "Zoë")
    data = _padded_to_cut(text, "cp1252", "’")

    table = read_table(data, ALIASES, REQUIRED, COLUMNS)

    assert [fields["last_name"] for _, fields in table.records] == ["Zoë"] * 3


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_a_byte_of_another_encoding_past_the_first_chunk_is_named_by_its_line(bom):
    data = _padded_to_cut(_file("a\r\nPAD!"), "utf-8", "!", bom=bom, at=5).replace(b"!", b"\xe9")  # é in Windows-1252

    with pytest.raises(CsvFileError, match=r"^Line 4 is not saved as UTF-8"):
        read_table(data, ALIASES, REQUIRED, COLUMNS)


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"])
def test_a_byte_of_another_encoding_is_named_by_its_line_whatever_ends_the_lines(end):
    """Excel for Mac's "CSV (Macintosh)" ends lines with a lone CR: the byte's line was counted by LF alone, so every
    line of such a file was "Line 1"."""
    data = _file("Zoë", end=end).encode("utf-8").replace(b"1002,", b"1002\xe9,")  # line 4: é in Windows-1252

    with pytest.raises(CsvFileError, match=r"^Line 4 is not saved as UTF-8"):
        read_table(data, ALIASES, REQUIRED, COLUMNS)
