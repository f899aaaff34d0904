"""What openpyxl would build from an uploaded sheet is counted before it reads it (portal/lib/xlsx_package_sheet.py):
300,000 merged cells in a 1.4 MB file cost 192 MB and 149 s, one row of 1,000,000 cells 540 MB, one 70 MB text
1.8 GB, 2,000,000 unknown elements or formatted empty rows 0.8-1.1 GB. Each limit is shown passed by one, and met
exactly, with a small sheet built in memory; each refusal is read_table's (every import's), naming the sheet and what
it holds. A sheet holding a comment (or anything else the byte scan cannot be sure of) is counted by expat instead:
each hostile sheet is tried both ways."""

import io
import zipfile

import pytest

from portal.lib import xlsx_package_sheet
from portal.lib.csv_text import CsvFileError
from portal.lib.xlsx_package import check_package

from .test_xlsx_package import MAIN, SAVE_AGAIN, SHEET, read, repacked, saved, unpredictable

HEADINGS_AND_ANN = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Code</t></is></c><c r="B1" t="inlineStr"><is><t>Name</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>A1</t></is></c><c r="B2" t="inlineStr"><is><t>Ann</t></is></c></row>'
)
COMMENT = "<!-- written by a script -->"  # sends the sheet to expat


def workbook(rows: str = "", after: str = "", comment: str = "", declared: str = "") -> bytes:
    """A workbook whose sheet 'Staff' holds the headings, Ann's row, `rows` and, after its rows, `after`; its
    worksheet element declares the prefix x (urn:example), and `declared`."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>{comment}<worksheet xmlns="{MAIN}" xmlns:x="urn:example"{declared}>'
        f"<sheetData>{HEADINGS_AND_ANN}{rows}</sheetData>{after}</worksheet>"
    )
    return repacked(saved(), {SHEET: sheet.encode()})


def merged(count: int) -> str:
    cells = "".join(f'<mergeCell ref="C{row}:D{row}"/>' for row in range(1, count + 1))
    return f"<mergeCells>{cells}</mergeCells>"


def links(count: int) -> str:
    link = '<hyperlink ref="B{0}" location="\'Staff\'!A1" display="person{0}@nhs.net"/>'
    return f"<hyperlinks>{''.join(link.format(row) for row in range(1, count + 1))}</hyperlinks>"


def validated(ranges: int) -> str:
    sqref = " ".join(f"E{row}" for row in range(1, ranges + 1))
    validation = f'<dataValidation type="list" sqref="{sqref}"><formula1>"Yes,No"</formula1></dataValidation>'
    return f"<dataValidations>{validation}</dataValidations>"


def formatted(ranges: int) -> str:
    sqref = " ".join(f"F{row}" for row in range(1, ranges + 1))
    rule = '<cfRule type="containsBlanks" dxfId="0" priority="1"/>'
    return f'<conditionalFormatting sqref="{sqref}">{rule}</conditionalFormatting>'


def row_of(cells: int) -> str:
    return f'<row r="3">{"<c/>" * cells}</row>'


def other_elements(count: int) -> str:
    return "<x:pad/>" * count


def header_text(size: int) -> str:
    return f"<headerFooter><oddHeader>{unpredictable(size).decode()}</oddHeader></headerFooter>"


MB = 1 << 20
OVER = {
    "merged cells": ({"after": merged(50_001)}, "more than 50,000 merged cells"),
    "links": ({"after": links(50_001)}, "more than 50,000 links"),
    "validations": ({"after": validated(50_001)}, "more than 50,000 ranges of cells with a drop-down list"),
    "conditional formats": (
        {"after": formatted(50_000)},
        r"more than 50,000 conditional formats \(rules and the ranges",
    ),
    "a row's cells": ({"rows": row_of(16_385)}, r"a row \(row 3\) of more than 16,384 cells \(Excel's limit\)"),
    "a row's bytes": (
        {"rows": f'<row r="3"><c t="inlineStr"><is><t>{unpredictable(MB).decode()}</t></is></c></row>'},
        r"a row \(row 3\) of more than 1\.0 MB of XML",
    ),
    "one text": ({"after": header_text(4 * MB + 1)}, r"a single text or tag of more than 4\.0 MB \(after row 2\)"),
    "a row's number": ({"rows": '<row r="1048577"><c r="A1048577"/></row>'}, r"more than 1,048,576 rows"),
    "a column": (
        {"rows": '<row r="3"><c r="XFE3"/></row>'},
        r"a cell beyond the last column Excel has \(XFD\): 'XFE3'",
    ),
    "other elements": ({"after": other_elements(100_001)}, r"more than 100,000 elements outside its rows"),
}
AT_LIMIT = {
    "merged cells": {"after": merged(50_000)},
    "validations": {"after": validated(50_000)},
    "conditional formats": {"after": formatted(49_999)},
    "a row's cells": {"rows": row_of(16_384)},
    "a row's number": {"rows": '<row r="1048576"><c r="XFD1048576"/></row>'},
    "other elements": {"after": other_elements(100_000 - 2)},  # and <worksheet> and <sheetData>
}


@pytest.mark.parametrize("comment", ["", COMMENT], ids=["scanned", "parsed"])
@pytest.mark.parametrize("limit", OVER)
def test_a_sheet_holding_more_than_a_limit_is_refused(limit, comment):
    parts, refusal = OVER[limit]
    with pytest.raises(CsvFileError, match=f"^The sheet 'Staff' of the Excel file holds {refusal}") as refused:
        read(workbook(**parts, comment=comment))
    assert SAVE_AGAIN in str(refused.value)


@pytest.mark.parametrize("comment", ["", COMMENT], ids=["scanned", "parsed"])
@pytest.mark.parametrize("limit", AT_LIMIT)
def test_a_sheet_at_each_limit_may_be_opened(limit, comment):
    assert check_package(workbook(**AT_LIMIT[limit], comment=comment)) is None


def test_a_list_of_thirty_thousand_people_with_every_email_a_link_reads():
    rows = "".join(
        f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>B{row}</t></is></c>'
        f'<c r="B{row}" t="inlineStr"><is><t>Person {row}</t></is></c></row>'
        for row in range(3, 30_003)
    )
    assert check_package(workbook(rows=rows, after=links(30_002))) is None


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    # 1,048,576 is the limit (Excel's); so many rows are not built here: the limit is lowered to the file's, less 1
    monkeypatch.setattr(xlsx_package_sheet, "ROWS", 3)
    rows = '<row r="3"><c r="A3" t="inlineStr"><is><t>B3</t></is></c></row>'
    assert read(workbook(rows=rows)).records[-1] == (3, {"code": "B3", "name": ""})
    with pytest.raises(CsvFileError, match="holds more than 3 rows"):
        read(workbook(rows=rows + "<row/>"))


def test_rows_of_another_namespace_are_elements_openpyxl_keeps():
    """openpyxl reads a row only in the sheet's namespace: any other is kept whole, so counted with the elements."""
    with pytest.raises(CsvFileError, match="more than 100,000 elements outside its rows"):
        read(workbook(rows="<x:row/>" * 100_001))
    assert check_package(workbook(rows="<m:row/>" * 100_001, declared=f' xmlns:m="{MAIN}"')) is None


def test_a_sheet_with_a_comment_reads():
    assert read(workbook(comment=COMMENT)).records == [(2, {"code": "A1", "name": "Ann"})]


def test_a_sheet_is_scanned_unless_it_holds_what_only_a_parser_reads_rightly():
    archive = zipfile.ZipFile(io.BytesIO(workbook()))
    scan = xlsx_package_sheet._Scan("Staff")
    scan.run(archive, SHEET)
    assert (scan.rows, scan.other) == (2, 2)
    with pytest.raises(xlsx_package_sheet._Unusual):
        xlsx_package_sheet._Scan("Staff").run(zipfile.ZipFile(io.BytesIO(workbook(comment=COMMENT))), SHEET)


def test_a_sheet_whose_tags_name_its_namespace_by_a_prefix_is_scanned():
    # As some writers save a sheet (<x:row>, the prefix x bound to the sheet's namespace)
    rows = HEADINGS_AND_ANN.replace("<", "<x:").replace("<x:/", "</x:") + '<x:row r="3"><x:c r="XFE3"/></x:row>'
    sheet = f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'
    scan = xlsx_package_sheet._Scan("Staff")
    with pytest.raises(CsvFileError, match="a cell beyond the last column Excel has"):
        scan.run(zipfile.ZipFile(io.BytesIO(repacked(saved(), {SHEET: sheet.encode()}))), SHEET)
    data = repacked(saved(), {SHEET: sheet.replace('<x:c r="XFE3"/>', "").encode()})
    scan = xlsx_package_sheet._Scan("Staff")
    scan.run(zipfile.ZipFile(io.BytesIO(data)), SHEET)
    assert scan.rows == 3
    assert read(data).records == [(2, {"code": "A1", "name": "Ann"})]


EXCEL_365 = (  # the start of a sheet as Excel 365 saves it, and an extension of its own after the rows
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac xr xr2 xr3" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xr:uid="{00000000-0001-0000-0000-000000000000}"><dimension ref="A1:B2"/><sheetViews><sheetView tabSelected="1" '
    'workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
    '</sheetViews><sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/><sheetData>{rows}</sheetData>'
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><extLst>'
    '<ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list"><x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1>'
    "<xm:sqref>C2:C500</xm:sqref>"
    "</x14:dataValidation></x14:dataValidations></ext></extLst></worksheet>"
)


@pytest.mark.filterwarnings("ignore:Data Validation extension")  # openpyxl's, of the extension
def test_a_sheet_as_excel_saves_it_is_scanned_and_reads():
    rows = HEADINGS_AND_ANN.replace('<row r="1">', '<row r="1" spans="1:2" x14ac:dyDescent="0.25">')
    data = repacked(saved(), {SHEET: EXCEL_365.replace("{rows}", rows).encode()})
    scan = xlsx_package_sheet._Scan("Staff")
    scan.run(zipfile.ZipFile(io.BytesIO(data)), SHEET)
    assert scan.rows == 2
    assert read(data).records == [(2, {"code": "A1", "name": "Ann"})]
