"""What an uploaded certificate file is, from its bytes alone (never its name or the browser's say-so), and whether
HR will be able to open it: a PDF, PNG or JPEG whose first bytes say so; an image that really is one, with no more
pixels than a scan or a phone photo has (a small file that decompresses to gigabytes would hang whoever opens it);
a PDF that opens without a password. Anything else is refused naming what it is, where that is recognisable."""

import io
import warnings

from PIL import Image, UnidentifiedImageError
from pypdf import PasswordType, PdfReader

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
    """A PDF that asks for a password to open cannot be checked by HR. Only a PDF that names an encryption dictionary
    is parsed; one encrypted with an owner password alone (to stop editing, as some course sites make them) opens
    without one, and is taken."""
    if b"/Encrypt" not in data:
        return
    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
    except Exception:  # pypdf raises many kinds for a file it cannot read; none of them can be opened without one
        locked = True
    if locked:
        raise FileRefused(
            "The selected PDF is protected by a password, so HR cannot open it: save or print a copy without the "
            "password and upload that"
        )
