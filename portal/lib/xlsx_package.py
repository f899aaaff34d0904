"""Checking an uploaded Excel file (.xlsx, a zip of XML parts) before openpyxl opens it. A small file can unpack to far
more than it is: a 211 KB file whose shared text unpacks to 85 MB, 300,000 merged cells in 1.4 MB (192 MB and 149 s
to read), a row of a million cells (540 MB), one 70 MB text (1.8 GB). So, before openpyxl reads anything:

- the zip's directory (a millisecond): how much it unpacks to, how many parts, a name given twice;
- each part openpyxl reads (a large one packed too tightly), and each it reads whole, found as openpyxl finds it
  (the workbook's relationships and the fixed names it opens, not what [Content_Types].xml says a part is: a
  styles.xml declared as a worksheet is still read whole);
- each sheet, streamed with nothing kept: what openpyxl would build from it (`xlsx_package_sheet`).
- a workbook saved as Strict Open XML, in which openpyxl finds no sheet: refused, naming how to save it.

Every limit passes any real staff list many times over: a 250,000-row, 14-column roster written by openpyxl (19.7 MB,
194 MB unpacked, its largest part packed 9.8 times) passes, and so does a 30,000-person list with every email a link.
A file over a limit is refused, naming what is wrong and how to save it so it reads; nothing is changed."""

import io
import zipfile
from collections import Counter

from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import RelationshipList, get_dependents, get_rels_path
from openpyxl.packaging.workbook import WorkbookPackage
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    SHARED_STRINGS,
)
from openpyxl.xml.functions import fromstring

from .csv_text import CsvFileError
from .xlsx_package_sheet import SAVE_AGAIN, check_sheet, check_texts, mb, unreadable

MB = 1 << 20
UNPACKED = 500 * MB  # the whole file, unpacked
PARTS = 1_000  # a workbook of a few sheets has about a dozen
DIRECTORY = 1 * MB  # the zip's list of its parts, read before the parts are counted: 1,000 names fit in 0.1 MB
PACKED_FROM = 1 * MB  # a part this big (unpacked) or bigger may be packed at most RATIO times
RATIO = 100
WHOLE = 8 * MB  # a part openpyxl reads whole (workbook, styles, relationships...)
SHARED_TEXT = 64 * MB  # the shared strings, also read whole: every text of every sheet, once each
STRICT = "{http://purl.oclc.org/ooxml/"  # the namespaces of a workbook saved as Strict Open XML


def check_package(data: bytes) -> None:
    """Refuse (CsvFileError) an .xlsx that would cost openpyxl far more than a real staff list, or that the zip module
    cannot read; return None for one that may be opened."""
    archive = _open(data)
    with archive:
        _check_directory(archive.infolist())
        try:
            whole, sheets = _parts_read(archive)
        except CsvFileError:
            raise
        except Exception as error:  # what openpyxl finds no workbook in, it cannot open either: it raises many kinds
            raise unreadable(error) from error
        if not sheets:  # openpyxl skips a sheet whose part is not in the file: read_table would find no worksheet
            raise CsvFileError(
                "The Excel file holds no worksheet that can be read: its sheets are charts, or not in the file by "
                "the names it gives them." + SAVE_AGAIN
            )
        for name in [*whole, *(part for _title, part in sheets)]:
            _check_packing(archive.getinfo(name))
        for name, limit in whole.items():
            _check_whole(archive.getinfo(name), limit)
            if limit == SHARED_TEXT:
                check_texts(archive, name)
        for title, name in sheets:
            check_sheet(archive, name, title)


def _open(data: bytes) -> zipfile.ZipFile:
    source = io.BytesIO(data)
    try:
        # The zip module builds an entry for each part its directory lists, before any can be counted: a 30 MB upload
        # of empty parts would list 600,000 (300 MB), so the directory's stated size is read first
        end = zipfile._EndRecData(source)
        if end is not None and end[zipfile._ECD_SIZE] > DIRECTORY:
            raise CsvFileError(
                f"The Excel file's list of its parts is {mb(end[zipfile._ECD_SIZE])}: a workbook's takes a few "
                f"kilobytes, and one over {mb(DIRECTORY)} is not read." + SAVE_AGAIN
            )
        return zipfile.ZipFile(source)
    except CsvFileError:
        raise
    except Exception as error:  # BadZipFile, or an error from a damaged directory
        raise unreadable(error) from error


def _check_directory(parts: list[zipfile.ZipInfo]) -> None:
    if len(parts) > PARTS:
        raise CsvFileError(
            f"The Excel file is made of {len(parts):,} parts, more than the {PARTS:,} read: a workbook of a few "
            "sheets has about a dozen." + SAVE_AGAIN
        )
    twice = [name for name, count in Counter(part.filename for part in parts).items() if count > 1]
    if twice:
        raise CsvFileError(
            f"The Excel file holds two parts named '{twice[0]}': which one is read would depend on the program "
            "reading it, so it is not read." + SAVE_AGAIN
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > UNPACKED:
        raise CsvFileError(
            f"The Excel file unpacks to {mb(unpacked)}, more than the {mb(UNPACKED)} read (a 250,000-row staff "
            "list unpacks to about 200 MB)." + SAVE_AGAIN
        )


def _check_packing(part: zipfile.ZipInfo) -> None:
    """A part openpyxl reads, packed far more tightly than a spreadsheet's parts are. Only those: a part it never opens
    (a comments drawing, which openpyxl itself packs 95 times for 3,000 comments; a pivot cache) is never unpacked."""
    if part.file_size >= PACKED_FROM and part.file_size > part.compress_size * RATIO:
        packed = part.file_size / part.compress_size if part.compress_size else float("inf")
        raise CsvFileError(
            f"The Excel file's part '{part.filename}' unpacks to {mb(part.file_size)} from "
            f"{part.compress_size:,} bytes, packed {packed:,.0f} times: a spreadsheet's parts are packed at most "
            f"about 20 times, and one packed more than {RATIO} times is not read." + SAVE_AGAIN
        )


def _check_whole(part: zipfile.ZipInfo, limit: int) -> None:
    if part.file_size > limit:
        what = "the workbook's shared text" if limit == SHARED_TEXT else "a part read whole"
        raise CsvFileError(
            f"The Excel file's part '{part.filename}' ({what}) unpacks to {mb(part.file_size)}, more than the "
            f"{mb(limit)} read." + SAVE_AGAIN
        )


def _parts_read(archive: zipfile.ZipFile) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """The parts openpyxl (3.1, read-only) reads whole, each with its limit, and the (title, part) of each worksheet it
    streams, found as openpyxl's ExcelReader finds them. Each part read here is checked first."""
    names = set(archive.namelist())
    whole: dict[str, int] = {}

    def read(name: str) -> bytes:
        whole[name] = WHOLE
        _check_whole(archive.getinfo(name), WHOLE)
        return archive.read(name)

    def relationships(path: str) -> RelationshipList:
        read(path)
        return get_dependents(archive, path)

    package = Manifest.from_tree(fromstring(read(ARC_CONTENT_TYPES)))
    strings = package.find(SHARED_STRINGS)
    if strings is not None:
        whole[strings.PartName[1:]] = SHARED_TEXT
    workbook_name = _find_workbook_part(package).PartName[1:]
    tree = fromstring(read(workbook_name))
    if tree.tag.startswith(STRICT):  # openpyxl finds no sheet in it
        raise CsvFileError(
            "The Excel file is saved as 'Strict Open XML Spreadsheet', which cannot be read. Save it as 'Excel "
            "Workbook (.xlsx)' or 'CSV UTF-8 (Comma delimited)', and upload that."
        )
    workbook = WorkbookPackage.from_tree(tree)
    rels = relationships(get_rels_path(workbook_name)).to_dict()
    for reference in workbook.externalReferences:
        link = rels.get(reference.id).Target
        read(link)
        relationships(get_rels_path(link))
    for name in (ARC_CORE, ARC_CUSTOM, ARC_THEME, ARC_STYLE):
        if name in names:
            whole[name] = WHOLE
    sheets = []
    for sheet in workbook.sheets:
        if not sheet.id:
            continue
        target = rels[sheet.id].target
        if target not in names:
            continue
        rels_path = get_rels_path(target)
        sheet_rels = relationships(rels_path) if rels_path in names else RelationshipList()
        if "chartsheet" not in rels[sheet.id].Type:
            sheets.append((sheet.name, target))
            continue
        read(target)
        for drawing in sheet_rels.find(SpreadsheetDrawing._rel_type):
            read(drawing.target)
            drawing_rels = get_rels_path(drawing.target)
            if drawing_rels in names:
                for item in relationships(drawing_rels):  # its charts and images
                    if item.TargetMode != "External" and item.target in names:
                        whole[item.target] = WHOLE
    return {name: limit for name, limit in whole.items() if name in names}, sheets
