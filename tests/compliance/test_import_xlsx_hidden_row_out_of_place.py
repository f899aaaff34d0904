"""A sheet whose XML holds a row element not directly under <sheetData> (wrapped in an element of another namespace,
or after it in an extension), which openpyxl reads as any other, was read until d2aedac: its second pass took each
row out of <sheetData> and, for a row elsewhere, raised (ValueError, or AttributeError for one before <sheetData>), so
the HR page failed with a server error instead of the dry run. The row is now let go from whatever holds it."""

import io
import re
import zipfile

from portal.lib.csvfiles import read_table

from .test_import_xlsx_hidden_rows import files, workbook

ALIASES = {"organisationcode": "code", "organisationname": "name"}


def rewritten(data: bytes, change) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(member, content)
    return out.getvalue()


def test_a_hidden_row_wrapped_in_another_element_is_read_and_named():
    def wrap(xml: bytes) -> bytes:
        xml = xml.replace(b'<row r="3"', b'<row r="3" hidden="1"', 1)
        return re.sub(rb'(<row r="3".*?</row>)', rb'<x:wrap xmlns:x="urn:example">\1</x:wrap>', xml, count=1)

    table = read_table(rewritten(workbook(files()["organisation"]), wrap), ALIASES, {"code", "name"})
    assert [line for line, _ in table.records] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert table.hidden == "1 row is hidden in Excel (by a filter or by hand) and was read: line 3"


def test_a_row_after_the_sheet_data_does_not_fail_the_file():
    def after(xml: bytes) -> bytes:
        xml = xml.replace(b'<row r="5"', b'<row r="5" hidden="1"', 1)
        return xml.replace(b"</sheetData>", b'</sheetData><extLst><row r="99" hidden="1"/></extLst>', 1)

    table = read_table(rewritten(workbook(files()["organisation"]), after), ALIASES, {"code", "name"})
    assert [line for line, _ in table.records] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert table.hidden == "1 row is hidden in Excel (by a filter or by hand) and was read: line 5"
