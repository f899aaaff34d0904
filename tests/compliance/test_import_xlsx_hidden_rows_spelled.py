"""A row's hidden attribute as XML lets a writer spell it: spaces around '=' (hidden = "1") and, the attribute being an
xsd:boolean, spaces around its value (hidden=" 1 "). d2aedac's quick look through the sheet's bytes sought 'hidden='
alone and its parse compared the value as written, so such a sheet's hidden rows were read and the dry run was
silent."""

import io
import zipfile

import pytest

from portal.lib.csvfiles import read_table

from .test_import_xlsx_hidden_rows import files, workbook

ALIASES = {"organisationcode": "code", "organisationname": "name"}


def with_row_attribute(data: bytes, row: int, attribute: bytes) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<row r="%d"' % row, b'<row r="%d" ' % row + attribute, 1)
            target.writestr(member, content)
    return out.getvalue()


@pytest.mark.parametrize("attribute", [b'hidden = "1"', b"hidden\n=\n'true'", b'hidden=" 1 "', b'hidden="1"'])
def test_a_hidden_row_however_spelled_is_named(attribute):
    data = with_row_attribute(workbook(files()["organisation"]), 3, attribute)
    assert read_table(data, ALIASES, {"code", "name"}).hidden == (
        "1 row is hidden in Excel (by a filter or by hand) and was read: line 3"
    )


@pytest.mark.parametrize("attribute", [b'hidden = "0"', b'hidden=" false "'])
def test_a_row_not_hidden_however_spelled_is_not(attribute):
    data = with_row_attribute(workbook(files()["organisation"]), 3, attribute)
    assert read_table(data, ALIASES, {"code", "name"}).hidden == ""
