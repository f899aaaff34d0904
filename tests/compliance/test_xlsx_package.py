"""An uploaded .xlsx is checked as a zip before openpyxl opens it (portal/lib/xlsx_package.py): a small file could
take a worker's memory (a 211 KB file whose shared strings unpack to 85 MB was read). Each hostile file here is built
small, in memory; each is refused by read_table (every import's reader) with a message naming what is wrong and how
to save the file so it reads. The sheets' own limits are in test_xlsx_package_sheet.py."""

import functools
import hashlib
import io
import struct
import warnings
import zipfile

import openpyxl
import pytest

from portal.lib import xlsx_package
from portal.lib.csv_text import CsvFileError
from portal.lib.csvfiles import read_table

ALIASES = {"code": "code", "name": "name"}
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SAVE_AGAIN = "save it as 'Excel Workbook (.xlsx)', or save the sheet as 'CSV UTF-8 (Comma delimited)'"


def saved(more: int = 0) -> bytes:
    """A workbook as openpyxl saves it: headings and one row (and `more` after it), its texts in the sheet."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "Staff"
    workbook.active.append(["Code", "Name"])
    workbook.active.append(["A1", "Ann"])
    for number in range(more):
        workbook.active.append([f"B{number}", f"Person {number}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_shared_strings(strings: bytes, name: str = "xl/sharedStrings.xml") -> bytes:
    """`saved()` with its texts in the shared strings part `name`, as Excel saves them (the first four: Code, Name,
    A1, Ann), `strings` holding them."""
    source = zipfile.ZipFile(io.BytesIO(saved()))
    override = f'<Override PartName="/{name}" ContentType="{SHARED_STRINGS}"/></Types>'
    sheet = source.read(SHEET)
    for index, text in enumerate(("Code", "Name", "A1", "Ann")):
        sheet = sheet.replace(f't="inlineStr"><is><t>{text}</t></is>'.encode(), f't="s"><v>{index}</v>'.encode())
    types = source.read("[Content_Types].xml").replace(b"</Types>", override.encode())
    return repacked(saved(), {SHEET: sheet, "[Content_Types].xml": types}, added=[(name, strings)])


def shared(*texts: str) -> bytes:
    return f'<sst xmlns="{MAIN}">{"".join(f"<si><t>{text}</t></si>" for text in texts)}</sst>'.encode()


def repacked(data: bytes, parts: dict[str, bytes] | None = None, added: tuple = ()) -> bytes:
    """`data` zipped again, each part named in `parts` holding its new content, and the (name, content) `added`
    after them (a name already in it too: the zip then holds two parts of that name)."""
    parts = parts or {}
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": what the test wants
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for name in source.namelist():
                target.writestr(name, parts.get(name, source.read(name)))
            for name, content in added:
                target.writestr(name, content)
    return out.getvalue()


@functools.cache
def unpredictable(size: int) -> bytes:
    """`size` bytes of hex digits that no zip packs much (about half), the same every run."""
    digits = b"".join(hashlib.sha256(str(i).encode()).hexdigest().encode() for i in range(size // 64 + 1))
    return digits[:size]


def read(data: bytes):
    return read_table(data, ALIASES, {"code", "name"})


def test_a_workbook_as_excel_or_openpyxl_saves_it_reads():
    assert read(saved()).records == [(2, {"code": "A1", "name": "Ann"})]


def test_shared_strings_packed_to_a_sliver_are_refused():
    assert read(with_shared_strings(shared("Code", "Name", "A1", "Ann"))).records == [
        (2, {"code": "A1", "name": "Ann"})
    ]
    data = with_shared_strings(shared("Code", "Name", "A1", "Ann", "x" * (3 << 20)))
    assert len(data) < 20_000
    with pytest.raises(
        CsvFileError, match=r"part 'xl/sharedStrings\.xml' unpacks to 3\.0 MB from [\d,]+ bytes, packed"
    ):
        read(data)


def test_a_sheet_packed_to_a_sliver_is_refused_and_a_part_openpyxl_never_opens_is_not():
    # openpyxl reads the sheets (streamed) but never a comments drawing or a pivot cache in read-only mode; its own
    # comments drawing for 3,000 comments is packed 95 times, so packing alone must not refuse one
    drawing = b'<xml xmlns:v="urn:schemas-microsoft-com:vml">' + b"<v:shape/>" * 400_000 + b"</xml>"
    data = repacked(saved(), added=[("xl/drawings/commentsDrawing1.vml", drawing)])
    part = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/drawings/commentsDrawing1.vml")
    assert part.file_size > part.compress_size * xlsx_package.RATIO
    assert read(data).records == [(2, {"code": "A1", "name": "Ann"})]
    sheet = zipfile.ZipFile(io.BytesIO(saved())).read(SHEET).replace(b"<sheetData>", b"<sheetData>" + b" " * (3 << 20))
    with pytest.raises(CsvFileError, match=r"part 'xl/worksheets/sheet1\.xml' unpacks to 3\.0 MB from [\d,]+ bytes"):
        read(repacked(saved(), {SHEET: sheet}))


def test_a_single_shared_text_over_four_megabytes_is_refused():
    # openpyxl reads the shared strings whole: one 70 MB text cost 1.8 GB
    texts = ("Code", "Name", "A1", "Ann")
    # measured from one "<" (or ">") to the next, so with a few bytes of its tags: 4 MB less those passes
    assert read(with_shared_strings(shared(*texts, unpredictable((4 << 20) - 8).decode()))).records[0][0] == 2
    with pytest.raises(
        CsvFileError, match=r"part 'xl/sharedStrings\.xml' \(the workbook's shared text\) holds a single"
    ):
        read(with_shared_strings(shared(*texts, unpredictable((4 << 20) + 1).decode())))


def test_a_part_named_twice_is_refused():
    data = repacked(saved(), added=[(SHEET, f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'.encode())])
    with pytest.raises(CsvFileError, match=f"holds two parts named '{SHEET}'") as refused:
        read(data)
    assert SAVE_AGAIN in str(refused.value)


def test_more_than_a_thousand_parts_are_refused():
    data = repacked(saved(), added=[(f"customXml/item{i}.xml", b"<a/>") for i in range(1_000)])
    with pytest.raises(CsvFileError, match="made of 1,009 parts, more than the 1,000 read"):
        read(data)


def test_a_file_unpacking_to_more_than_the_limit_is_refused(monkeypatch):
    # 500 MB is the limit; a file that big is not built here: the limit is lowered to what this one unpacks to, less 1
    data = repacked(saved(), added=[("customXml/item1.xml", unpredictable(300_000))])
    unpacked = sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(xlsx_package, "UNPACKED", unpacked - 1)
    with pytest.raises(CsvFileError, match=r"unpacks to 0\.3 MB, more than the 0\.3 MB read"):
        read(data)
    monkeypatch.setattr(xlsx_package, "UNPACKED", unpacked)
    assert read(data).records == [(2, {"code": "A1", "name": "Ann"})]


@pytest.mark.filterwarnings("ignore:Unknown extension")  # openpyxl's, of the sheet's padding
def test_styles_declared_as_a_worksheet_are_still_a_part_read_whole(monkeypatch):
    """openpyxl reads xl/styles.xml whole by its name, whatever [Content_Types].xml says it is: declared a worksheet,
    a check going by the declared types let a styles.xml through that cost 1.7 GB. A sheet of the same size is
    streamed, and passes."""
    monkeypatch.setattr(xlsx_package, "WHOLE", 64 * 1024)
    source = zipfile.ZipFile(io.BytesIO(saved()))
    extension = b'<extLst><ext uri="{0}"><x:pad xmlns:x="urn:example">%s</x:pad></ext></extLst>'
    padding = extension % unpredictable(100_000)
    styles = source.read("xl/styles.xml").replace(b"</styleSheet>", padding + b"</styleSheet>")
    types = source.read("[Content_Types].xml").replace(b"spreadsheetml.styles+xml", b"spreadsheetml.worksheet+xml")
    assert types != source.read("[Content_Types].xml")
    data = repacked(saved(), {"xl/styles.xml": styles, "[Content_Types].xml": types})
    with pytest.raises(
        CsvFileError, match=r"part 'xl/styles\.xml' \(a part read whole\) unpacks to 0\.1 MB, more than"
    ):
        read(data)
    sheet = source.read(SHEET).replace(b"</worksheet>", padding + b"</worksheet>")
    assert read(repacked(saved(), {SHEET: sheet})).records == [(2, {"code": "A1", "name": "Ann"})]


def test_shared_strings_are_found_where_openpyxl_finds_them(monkeypatch):
    # openpyxl takes the shared strings from the part [Content_Types].xml names, whatever it is called
    monkeypatch.setattr(xlsx_package, "SHARED_TEXT", 64 * 1024)
    texts = ("Code", "Name", "A1", "Ann")
    assert read(with_shared_strings(shared(*texts), "xl/words.xml")).records == [(2, {"code": "A1", "name": "Ann"})]
    data = with_shared_strings(shared(*texts, unpredictable(100_000).decode()), "xl/words.xml")
    with pytest.raises(CsvFileError, match=r"part 'xl/words\.xml' \(the workbook's shared text\) unpacks to 0\.1 MB"):
        read(data)


def stating(data: bytes, name: str, size: int) -> bytes:
    """`data` with the zip's directory stating `size` as the unpacked size of the part `name`."""
    end = data.rindex(b"PK\x05\x06")
    start = struct.unpack("<I", data[end + 16 : end + 20])[0]  # the directory's first entry
    while True:
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[start + 28 : start + 34])
        if data[start + 46 : start + 46 + name_length] == name.encode():
            return data[: start + 24] + struct.pack("<I", size) + data[start + 28 :]
        start += 46 + name_length + extra_length + comment_length


def test_a_part_holding_more_than_its_header_states_cannot_be_read():
    """The zip module stops a part at its stated size and then finds it damaged (its checksum). openpyxl's opening
    reads only the start of a long sheet: found as the rows were read, it was a server error, not a message."""
    data = saved(more=3_000)
    sheet = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    lying = stating(data, SHEET, sheet.file_size - 40)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo(SHEET).file_size == sheet.file_size - 40
    with pytest.raises(CsvFileError, match=r"^The Excel file cannot be read \(BadZipFile\)\. Save it again"):
        read(lying)


def test_a_damaged_zip_cannot_be_read():
    with pytest.raises(CsvFileError, match=r"^The Excel file cannot be read \(BadZipFile\)"):
        read(saved()[:-30])
