"""A PDF with no pages has no certificate on it for HR to check: it is refused, naming why, by the form and by the
service, and nothing is stored. (A PDF reader opens one as a blank window, or says it is damaged.)"""

import datetime
import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from portal.compliance.certificates import CertificateError, certificate_upload
from portal.compliance.models import Certificate
from tests.compliance import test_certificates
from tests.compliance.test_certificate_file_contents import post, refused
from tests.compliance.test_certificate_pdf_active_content import pdf

staff, course = test_certificates.staff, test_certificates.course
NO_PAGES = "The selected PDF has no pages, so there is no certificate in it for HR to check"


def _no_pages() -> bytes:
    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def _no_page_tree() -> bytes:
    """A catalog naming no page tree at all."""
    writer = PdfWriter()
    del writer._root_object[NameObject("/Pages")]
    writer._root_object[NameObject("/Names")] = DictionaryObject()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data", [_no_pages(), _no_page_tree()], ids=["empty page tree", "no page tree"])
def test_a_pdf_with_no_pages_is_refused_by_the_form_naming_why(person_client, course, data):
    response = post(person_client, course, data, "certificate.pdf", "application/pdf")
    refused(response, NO_PAGES)


def test_a_pdf_with_no_pages_is_refused_by_the_service(staff, course):
    with pytest.raises(CertificateError, match=NO_PAGES):
        certificate_upload(
            staff=staff,
            requirement=course,
            data=_no_pages(),
            filename="c.pdf",
            completed_on=datetime.date(2026, 1, 5),
            user=None,
        )
    assert not Certificate.objects.exists()


def test_a_pdf_of_one_page_is_still_taken(staff, course):
    certificate = certificate_upload(
        staff=staff,
        requirement=course,
        data=pdf(),
        filename="c.pdf",
        completed_on=datetime.date(2026, 1, 5),
        user=None,
    )
    assert certificate.content_type == "application/pdf"
