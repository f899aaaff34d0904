"""Files HR really downloads pass the checks made before openpyxl reads an .xlsx (portal/lib/xlsx_package.py and
xlsx_package_sheet.py): the checks refuse only what would cost openpyxl far more than a staff list, never a file it
reads. Each file is built here as a writer saves it (openpyxl, or the XML parts Excel, LibreOffice and .NET exporters
write), read by read_table (every import's reader) and by openpyxl itself."""

import io
import zipfile

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

from portal.lib.csv_text import CsvFileError

from .test_xlsx_package import MAIN, SHEET, read, repacked, saved
from .test_xlsx_package_sheet import HEADINGS_AND_ANN, workbook

ANN = [(2, {"code": "A1", "name": "Ann"})]


def openpyxl_rows(data: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def written(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# A value looking like a cell past column XFD (four letters, then digits) after an attribute or a name ending in r:
# not a cell's reference, so not refused
NOT_A_CELL = {
    "a drop-down list's error message": {
        "after": '<dataValidations count="1"><dataValidation type="list" allowBlank="1" showErrorMessage="1" '
        'error="Band5 or above only" sqref="C2:C100"><formula1>"Yes,No"</formula1></dataValidation>'
        "</dataValidations>"
    },
    "a formula comparing a name to a text": {
        "rows": '<row r="3"><c r="A3" t="inlineStr"><is><t>B3</t></is></c><c r="B3" t="str">'
        '<f>IF(Tier="Band5","Bob","Bea")</f><v>Bob</v></c></row>'
    },
    "a text": {
        "rows": '<row r="3"><c r="A3" t="inlineStr"><is><t>B3</t></is></c><c r="B3" t="inlineStr">'
        '<is><t>Bob (manager="JONES1")</t></is></c></row>'
    },
    "a text with an r before it": {
        "rows": '<row r="3"><c r="A3" t="inlineStr"><is><t>B3</t></is></c><c r="B3" t="inlineStr">'
        '<is><t>Bob (r="ROOM12")</t></is></c></row>'
    },
}


@pytest.mark.parametrize("where", NOT_A_CELL)
def test_a_value_like_a_cell_past_the_last_column_outside_a_cell_reference_reads(where):
    data = workbook(**NOT_A_CELL[where])
    assert len(openpyxl_rows(data)) in (2, 3)
    assert read(data).records[0] == ANN[0]


@pytest.mark.parametrize(
    "row",
    [
        '<row r="3"><x:c r="XFE3"/></row>',  # any element of a row is a cell to openpyxl
        '<row r="3"><c t="inlineStr" s=">" r="XFE3"><is><t>B3</t></is></c></row>',  # a ">" in a value
    ],
    ids=["another element", "after a > in a value"],
)
def test_a_cell_past_the_last_column_is_still_refused(row):
    with pytest.raises(CsvFileError, match=r"a cell beyond the last column Excel has \(XFD\): 'XFE3'"):
        read(workbook(rows=row))


def test_a_sheet_with_a_bom_a_standalone_declaration_and_rows_and_cells_without_references_reads():
    rows = HEADINGS_AND_ANN.replace(' r="1"', "").replace(' r="2"', "")
    for cell in ("A1", "B1", "A2", "B2"):
        rows = rows.replace(f' r="{cell}"', "")
    sheet = (
        f'\ufeff<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}"><sheetData>{rows}'
    )
    data = repacked(saved(), {SHEET: (sheet + "</sheetData></worksheet>").encode()})
    assert openpyxl_rows(data) == [("Code", "Name"), ("A1", "Ann")]
    assert read(data).records == ANN


def test_rich_text_runs_and_shared_formulas_read():
    rows = HEADINGS_AND_ANN.replace(
        "<is><t>Ann</t></is>",
        '<is><r><rPr><b/><sz val="11"/><rFont val="Calibri"/></rPr><t xml:space="preserve">An</t></r>'
        "<r><t>n</t></r></is>",
    ) + "".join(
        f'<row r="{row}"><c r="C{row}"><f t="shared" ref="C3:C5" si="0">ROW()*2</f><v>{row * 2}</v></c></row>'
        if row == 3
        else f'<row r="{row}"><c r="C{row}"><f t="shared" si="0"/><v>{row * 2}</v></c></row>'
        for row in (3, 4, 5)
    )
    data = workbook(rows=rows)
    assert openpyxl_rows(data)[1][:2] == ("A1", "Ann")
    assert read(data).records[0] == ANN[0]


def test_an_export_of_sixty_columns_and_a_workbook_of_thirty_sheets_read():
    book = openpyxl.Workbook()
    book.active.title = "Staff"
    book.active.append(["Code", "Name", *(f"Field {column}" for column in range(58))])
    for row in range(80):
        book.active.append([f"B{row}", f"Person {row}", *(f"{row}-{column}" for column in range(58))])
    for number in range(30):
        book.create_sheet(f"Ward {number}").append(["Code", number])
    data = written(book)
    assert len(openpyxl_rows(data)) == 81
    assert len(read(data).records) == 80


def test_comments_and_a_drop_down_list_saved_by_openpyxl_read():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Staff"
    sheet.append(["Code", "Name"])
    sheet.append(["A1", "Ann"])
    sheet["B2"].comment = Comment("Checked by HR", "HR")
    validation = DataValidation(type="list", formula1='"Yes,No"', error="Band5 or above only")
    sheet.add_data_validation(validation)
    validation.add("C2:C500")
    data = written(book)
    assert "xl/comments/comment1.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert read(data).records == ANN


def _streamed(data: bytes, absolute: bool = False) -> bytes:
    """`data` zipped again as a streaming writer does (to a stream it cannot seek: each part's sizes in a data
    descriptor after it, ZIP64 records), its workbook's relationships naming parts by absolute paths if `absolute`."""

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.buffer = io.BytesIO()

        def writable(self):
            return True

        def write(self, chunk):
            return self.buffer.write(chunk)

    source, out = zipfile.ZipFile(io.BytesIO(data)), Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            if absolute and name == "xl/_rels/workbook.xml.rels":
                content = content.replace(b'Target="', b'Target="/xl/').replace(b'Target="/xl//xl/', b'Target="/xl/')
            with target.open(name, "w", force_zip64=True) as part:
                part.write(content)
    return out.buffer.getvalue()


@pytest.mark.parametrize("absolute", [False, True], ids=["streamed", "streamed, absolute paths"])
def test_a_zip_written_by_a_streaming_tool_reads(absolute):
    data = _streamed(saved(), absolute)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).flag_bits & 0x08  # sizes in a data descriptor
    if absolute:
        assert b'Target="/xl/worksheets/sheet1.xml"' in zipfile.ZipFile(io.BytesIO(data)).read(
            "xl/_rels/workbook.xml.rels"
        )
    assert openpyxl_rows(data) == [("Code", "Name"), ("A1", "Ann")]
    assert read(data).records == ANN


@pytest.mark.filterwarnings("ignore:File contains an invalid specification")  # openpyxl's, of the strict workbook
def test_a_workbook_saved_as_strict_open_xml_is_refused_naming_how_to_save_it():
    # openpyxl finds no sheet in it (it reads only the usual namespaces): read_table failed with an IndexError
    source = zipfile.ZipFile(io.BytesIO(saved()))
    strict = {
        name: source.read(name)
        .replace(MAIN.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")
        .replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        )
        for name in source.namelist()
    }
    data = repacked(saved(), strict)
    assert openpyxl.load_workbook(io.BytesIO(data), read_only=True).sheetnames == []
    with pytest.raises(CsvFileError, match=r"saved as 'Strict Open XML Spreadsheet', which cannot be read\. Save it"):
        read(data)


@pytest.mark.parametrize("name", ["xl\\worksheets\\sheet1.xml", "xl/worksheets/Sheet1.xml"], ids=["\\", "case"])
def test_a_workbook_whose_sheet_is_not_where_it_says_is_refused_naming_how_to_save_it(name):
    # openpyxl skips a sheet it does not find (part names are exact), so finds none: read_table failed (IndexError)
    source, out = zipfile.ZipFile(io.BytesIO(saved())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.namelist():
            target.writestr(name if part == SHEET else part, source.read(part))
    assert openpyxl.load_workbook(io.BytesIO(out.getvalue()), read_only=True).sheetnames == []
    with pytest.raises(CsvFileError, match=r"^The Excel file holds no worksheet that can be read.* Copy the rows"):
        read(out.getvalue())
