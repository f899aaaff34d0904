"""What an uploaded certificate file is, from its bytes alone (never its name or the browser's say-so), and whether
HR will be able to open it: a PDF, PNG or JPEG whose first bytes say so; an image that really is one, with no more
pixels than a scan or a phone photo has (a small file that decompresses to gigabytes would hang whoever opens it);
a PDF that opens without a password, has a page, and carries nothing HR's PDF reader would run or open on its own
(a script, a program to start, a form that sends to a website, a file inside it). Anything else is refused naming what
it is, where that is recognisable."""

import io
import warnings

from PIL import Image, UnidentifiedImageError
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
]
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
ACCEPTED = "must be a PDF, PNG or JPEG"
# A page of A4 scanned at 600 dpi is 35 million pixels, a 48-megapixel phone photo 49 million.
MAX_PIXELS = 60_000_000
# The brands an iPhone's HEIC / HEIF photo names after "ftyp".
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


class FileRefused(Exception):
    """Why the file cannot be taken, in words for the person who chose it."""


def file_kind(data: bytes) -> tuple[str, str]:
    """(content type, extension) of an acceptable certificate file, else FileRefused saying why."""
    for signature, content_type, extension in SIGNATURES:
        if data.startswith(signature):
            if content_type == "application/pdf":
                _pdf_check(data)
            else:
                _image_check(data, PILLOW_FORMATS[content_type])
            return content_type, extension
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        raise FileRefused(
            f"The selected file is a HEIC photo, as iPhones take them: the file {ACCEPTED}. Take a screenshot of "
            "the certificate and upload that, or save it as a PDF"
        )
    what = _recognised(data)
    raise FileRefused(f"The selected file is {what}: the file {ACCEPTED}" if what else f"The selected file {ACCEPTED}")


def served_kind(data: bytes) -> tuple[str, str]:
    """(content type, extension) to serve a stored certificate file as: from its bytes, which the file view has just
    checked against the SHA-256 recorded for it, not from the certificate row's `content_type`, which anyone who can
    write the table could set to text/html. Bytes that are none of the kinds taken are served as octet-stream."""
    for signature, content_type, extension in SIGNATURES:
        if data.startswith(signature):
            return content_type, extension
    return "application/octet-stream", "bin"


def _recognised(data: bytes) -> str | None:
    start = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html")) or (start.startswith(b"<") and b"<html" in data[:4096].lower()):
        return "a web page (HTML), not the certificate itself. Print or save the certificate as a PDF and upload that"
    if start.startswith(b"<") and b"<svg" in data[:4096].lower():
        return "an SVG drawing, which can carry a script"
    if data.startswith(b"MZ"):
        return "a Windows program"
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        return "a Word, Excel or other Office document, or a ZIP file"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "a WebP image"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "a TIFF image"
    return None


def _image_check(data: bytes, expected: str) -> None:
    """Read the image's header (and for a PNG its chunks' checksums), never its pixels."""
    damaged = (
        f"The selected file starts like a {expected} image but is not one, or is damaged: save it again as a PNG or "
        "JPEG, or upload a PDF"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                width, height = image.size
                image.verify()
    except Image.DecompressionBombError:
        raise FileRefused(_too_many_pixels()) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise FileRefused(damaged) from None
    if width * height > MAX_PIXELS:
        raise FileRefused(_too_many_pixels(width, height))


def _too_many_pixels(width: int = 0, height: int = 0) -> str:
    size = f"is {width:,} by {height:,} pixels" if width else "has too many pixels to open safely"
    return (
        f"The selected image {size}: it must have no more than {MAX_PIXELS // 1_000_000} million pixels "
        "(for example 8,000 by 7,500). Upload a smaller photo or scan of the certificate, or a PDF"
    )


def _pdf_check(data: bytes) -> None:
    """Every PDF is parsed (pypdf reads names inside compressed object streams, where a search of the raw bytes cannot
    see them). One that asks for a password cannot be checked by HR; one encrypted with an owner password alone (to
    stop editing, as some course sites make them) opens without one and is checked like any other. A PDF pypdf cannot
    read is refused: Acrobat repairs damaged files, and might find in one what this check could not."""
    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
        found = None if locked else _active_content(reader)
    except FileRefused:
        raise
    except Exception:  # pypdf raises many kinds (and RecursionError) for a file it cannot read
        locked, found = b"/Encrypt" in data, None
        if not locked:
            raise FileRefused(
                "The selected PDF is damaged or not made in a way that can be checked: save the certificate again "
                "as a PDF (print it to PDF) or upload a photo of it"
            ) from None
    if locked:
        raise FileRefused(
            "The selected PDF is protected by a password, so HR cannot open it: save or print a copy without the "
            "password and upload that"
        )
    if found:
        raise FileRefused(
            f"The selected PDF contains {found}: save the certificate again as a plain PDF (print it to PDF) or "
            "upload a photo of it"
        )


SCRIPT = "a script that runs when it is opened or clicked"
ATTACHED = "another file inside it"
MEDIA = "video, sound, 3D or Flash content that plays inside it"
# What each action type does, in words for the person uploading; a type named in none of these or SAFE_ACTIONS (a
# newer or rarer one) is refused as UNKNOWN_ACTION rather than taken unread.
ACTIONS = {
    "/JavaScript": SCRIPT,
    "/Launch": "a command that starts another program",
    "/SubmitForm": "a form that sends what is typed into it to a website",
    "/ImportData": "a form that fills itself from another file",
    "/GoToR": "a link that opens another file",
    "/GoToE": "a link that opens another file",
    "/RichMediaExecute": MEDIA,
    "/Rendition": MEDIA,
    "/Movie": MEDIA,
    "/Sound": MEDIA,
}
# Moving within the document, following a web link, showing or hiding part of the page: nothing leaves the reader.
SAFE_ACTIONS = {"/GoTo", "/URI", "/Named", "/Thread", "/Hide", "/SetOCGState", "/Trans", "/ResetForm"}
UNKNOWN_ACTION = "an action the PDF reader would carry out beyond following a link"
LINK_SCHEMES = ("https://", "http://", "mailto:")
# A 3D model carries its own scripts; a screen plays media.
ANNOTATIONS = {
    "/FileAttachment": ATTACHED,
    "/RichMedia": MEDIA,
    "/Movie": MEDIA,
    "/Sound": MEDIA,
    "/Screen": MEDIA,
    "/3D": MEDIA,
}
# A certificate is a page or two; a long course workbook is a few hundred pages. The walk reads at most MAX_PAGES
# pages and MAX_OBJECTS dictionaries in all (pages, annotations, actions, form fields, bookmarks), so a crafted 5 MB
# file cannot keep it busy; a PDF with more is refused, never taken unchecked.
MAX_PAGES = 1_000
MAX_OBJECTS = 10_000
TOO_BIG = (
    f"The selected PDF has more than {MAX_PAGES:,} pages, or more parts than can be checked: upload only the "
    "certificate, or a photo of it"
)

# A PDF reader opens a PDF with no pages as a blank window, or says it is damaged: there is nothing for HR to check.
NO_PAGES = (
    "The selected PDF has no pages, so there is no certificate in it for HR to check: upload the PDF the course gave "
    "you, or a photo of the certificate"
)


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_OBJECTS

    def take(self, value: object) -> DictionaryObject | None:
        """The dictionary `value` refers to (None if it is not one), counted against the walk's limit."""
        value = value.get_object() if value is not None else None
        if not isinstance(value, DictionaryObject):
            return None
        self.left -= 1
        if self.left < 0:
            raise FileRefused(TOO_BIG)
        return value


def _active_content(reader: PdfReader) -> str | None:
    """What in the document HR's reader would run or open on its own, in words, else None. Walks the catalog's opening
    action, additional actions and name trees, every page's additional actions and annotations, the form's fields and
    the bookmarks; each action with the actions it chains to (/Next)."""
    budget = _Budget()
    catalog = budget.take(reader.trailer["/Root"])
    names = budget.take(catalog.get("/Names")) or {}
    if "/JavaScript" in names:
        return SCRIPT
    if "/EmbeddedFiles" in names:
        return ATTACHED
    opening = catalog.get("/OpenAction")  # an action, or an array naming the page to open at
    actions = [opening] if isinstance(opening, DictionaryObject | IndirectObject) else []
    actions += _additional(budget, catalog)
    form = budget.take(catalog.get("/AcroForm")) or {}
    if "/XFA" in form:
        return SCRIPT  # an XFA form is a program Acrobat runs
    pages = 0
    for node in _tree(budget, catalog.get("/Pages"), "/Kids"):
        if _value(node, "/Type") == "/Pages" or "/Kids" in node:
            continue
        pages += 1
        if pages > MAX_PAGES:
            raise FileRefused(TOO_BIG)
        actions += _additional(budget, node)
        annotations = node.get("/Annots")
        annotations = annotations.get_object() if annotations is not None else None
        for annotation in annotations if isinstance(annotations, ArrayObject) else []:
            annotation = budget.take(annotation)
            if annotation is None:
                continue
            if _value(annotation, "/Subtype") in ANNOTATIONS:
                return ANNOTATIONS[_value(annotation, "/Subtype")]
            actions += [annotation.get("/A"), *_additional(budget, annotation)]
    if not pages:
        raise FileRefused(NO_PAGES)
    for field in _tree(budget, form.get("/Fields"), "/Kids"):
        actions += [field.get("/A"), *_additional(budget, field)]
    outlines = budget.take(catalog.get("/Outlines")) or {}
    for item in _tree(budget, outlines.get("/First"), "/First", "/Next"):
        actions.append(item.get("/A"))
    for action in _tree(budget, ArrayObject(a for a in actions if a is not None), "/Next"):
        found = _action_content(action)
        if found:
            return found
    return None


def _additional(budget: _Budget, holder: DictionaryObject) -> list:
    """The actions of an /AA (additional actions) dictionary: on opening a page, entering a field, and so on."""
    additional = budget.take(holder.get("/AA"))
    return list(additional.values()) if additional else []


def _tree(budget: _Budget, start: object, *links: str):
    """Each dictionary reachable from `start` (a dictionary or an array of them) through `links`, each an array or a
    single reference, once each (a crafted file may loop), within the budget."""
    stack, seen = [start], set()
    while stack:
        value = stack.pop()
        if value is None:
            continue
        if isinstance(value, IndirectObject):
            if (value.idnum, value.generation) in seen:
                continue
            seen.add((value.idnum, value.generation))
        resolved = value.get_object()
        if isinstance(resolved, ArrayObject):
            stack.extend(reversed(resolved))
            continue
        node = budget.take(resolved)
        if node is None:
            continue
        yield node
        for link in links:
            stack.append(node.get(link))  # unresolved, so a reference seen before is known


def _action_content(action: DictionaryObject) -> str | None:
    kind = _value(action, "/S")
    if kind in ACTIONS:
        return ACTIONS[kind]
    if kind == "/URI":
        uri = _value(action, "/URI") or ""
        uri = (uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)).strip().lower()
        return None if uri.startswith(LINK_SCHEMES) else "a link that opens a file or program rather than a web page"
    if kind in SAFE_ACTIONS or kind is None:  # a dictionary naming no action type does nothing
        return None
    return UNKNOWN_ACTION


def _value(holder: DictionaryObject, key: str) -> object:
    """`holder[key]` resolved, or None: a crafted file may put even an action's type in an object of its own."""
    value = holder.get(key)
    return value.get_object() if value is not None else None
