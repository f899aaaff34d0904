"""An upload is taken for what its bytes are, and only if HR will be able to open it: a PNG or JPEG that really is
one (its header read, never its pixels) with no more pixels than a scan or a phone photo has, so a small file that
decompresses to gigabytes never reaches HR's screen; a PDF that opens without a password. Files people upload by
mistake (an iPhone's HEIC photo, the course's web page saved as HTML) are refused naming what they are. Each refusal
is in the error summary and beside the file, and stores nothing."""

import datetime
import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from portal.compliance.certificates import CertificateError, certificate_upload
from portal.compliance.models import Certificate
from tests.compliance import test_certificates
from tests.compliance.test_certificates import PNG

staff, course = test_certificates.staff, test_certificates.course


def post(client, course, data: bytes, name: str, content_type: str):
    """The form as a browser posts it, with the type the browser claims for the file."""
    return client.post(
        reverse("certificates:upload"),
        {
            "requirement": course.pk,
            "completed_on_day": "15",
            "completed_on_month": "1",
            "completed_on_year": "2026",
            "file": SimpleUploadedFile(name, data, content_type=content_type),
        },
    )


def refused(response, message: str) -> None:
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert html.count(message) == 2  # in the summary and beside the file field
    assert response.context["form"].errors["file"] and not Certificate.objects.exists()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int) -> bytes:
    """A well-formed PNG a few hundred bytes long whose header says width x height (1-bit grey): its pixel data, a
    run of zeros, would inflate to width x height / 8 bytes."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", pixels) + _chunk(b"IEND", b"")


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real 16 x 16 JPEG with its frame header rewritten to say width x height."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def pdf(**encrypt) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt(**encrypt)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (png_claiming(10_000, 10_000), "The selected image is 10,000 by 10,000 pixels: it must have no more than 60"),
        (png_claiming(100_000, 100_000), "has too many pixels to open safely: it must have no more than 60"),
        (jpeg_claiming(9_000, 9_000), "The selected image is 9,000 by 9,000 pixels"),
    ],
    ids=["png-100-megapixels", "png-10-gigapixels", "jpeg-81-megapixels"],
)
def test_an_image_with_more_pixels_than_a_scan_is_refused_naming_the_limit(person_client, course, data, message):
    assert len(data) < 2_000
    refused(post(person_client, course, data, "certificate.png", "image/png"), message)


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(PNG, "image/png"), (jpeg_claiming(16, 16), "image/jpeg"), (jpeg_claiming(8_064, 6_048), "image/jpeg")],
    ids=["png", "jpeg", "jpeg-48-megapixel-phone-photo"],
)
def test_real_images_up_to_a_phone_photos_size_are_taken(person_client, course, data, content_type):
    assert post(person_client, course, data, "photo", "application/octet-stream").status_code == 302
    assert Certificate.objects.get().content_type == content_type


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>" * 4, "starts like a PNG image but is not one"),
        (b"\xff\xd8\xff" + b"\x00" * 200, "starts like a JPEG image but is not one"),
        (png_claiming(40, 20)[:-6] + b"\x00\x00", "starts like a PNG image but is not one, or is damaged"),
    ],
    ids=["png-signature-then-html", "jpeg-signature-then-nothing", "png-bad-checksum"],
)
def test_a_file_that_only_starts_like_an_image_is_refused(person_client, course, data, message):
    refused(post(person_client, course, data, "certificate.png", "image/png"), message)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "is a HEIC photo, as iPhones take them"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic" + b"\x00" * 64, "is a HEIC photo, as iPhones take them"),
        (b"\xef\xbb\xbf<!DOCTYPE html><html><body>Certificate</body></html>", "is a web page (HTML)"),
        (b"\n  <html><script>fetch('/hr/')</script></html>", "is a web page (HTML)"),
        (b"PK\x03\x04" + b"\x00" * 64, "is a Word, Excel or other Office document, or a ZIP file"),
        (b"GIF89a" + b"\x00" * 64, "is a GIF image"),
        (
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/hr/")</script></svg>',
            "is an SVG drawing",
        ),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><text>Certificate</text></svg>', "is an SVG"),
    ],
    ids=["heic", "heif", "saved-web-page", "html", "docx", "gif", "svg-with-script", "svg"],
)
def test_a_file_of_another_kind_is_refused_naming_it_and_the_kinds_taken(person_client, course, data, message):
    response = post(person_client, course, data, "certificate.pdf", "application/pdf")
    refused(response, message)
    assert "must be a PDF, PNG or JPEG" in response.content.decode()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_a_pdf_that_needs_a_password_to_open_is_refused(person_client, course, algorithm):
    data = pdf(user_password="s3cret", owner_password="owner", algorithm=algorithm)
    refused(
        post(person_client, course, data, "certificate.pdf", "application/pdf"),
        "The selected PDF is protected by a password, so HR cannot open it",
    )


def test_a_pdf_locked_only_against_editing_opens_without_one_and_is_taken(person_client, course):
    data = pdf(user_password="", owner_password="owner", algorithm="AES-256")
    assert b"/Encrypt" in data
    assert post(person_client, course, data, "certificate.pdf", "application/pdf").status_code == 302
    assert Certificate.objects.get().content_type == "application/pdf"


def test_a_plain_pdf_naming_encrypt_in_its_text_is_taken(person_client, course):
    data = pdf()
    assert post(person_client, course, data + b"% /Encrypt\n", "c.pdf", "application/pdf").status_code == 302


def test_an_empty_file_is_refused_by_the_form_and_by_the_service(person_client, staff, course):
    refused(post(person_client, course, b"", "certificate.pdf", "application/pdf"), "The selected file is empty")
    with pytest.raises(CertificateError, match="The selected file is empty"):
        certificate_upload(
            staff=staff, requirement=course, data=b"", filename="c", completed_on=datetime.date(2026, 1, 5), user=None
        )
