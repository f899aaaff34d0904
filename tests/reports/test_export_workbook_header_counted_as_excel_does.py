"""An XLSX export's printed header and footer stay within the 255 characters Excel opens when the names in them are
written with characters beyond the Basic Multilingual Plane (a rare Chinese character of a name, a letter styled in
Unicode's mathematical alphabets, an emoji in a team's name). Excel keeps text in UTF-16, where each of those is two
characters; the header was cut counting it as one, so an organisation and a team named so gave a header of some 330
UTF-16 characters, over Excel's limit."""

import html
import io
import zipfile

from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.conftest import client_for

WIDE = "\U0001d538"  # MATHEMATICAL DOUBLE-STRUCK CAPITAL A: two UTF-16 characters


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_the_header_and_footer_are_cut_to_255_utf16_characters(org, hr, settings):
    settings.PORTAL_ORGANISATION_NAME = WIDE * 100
    org["comms"].name = "\U0001f3e5 " + WIDE * 150
    org["comms"].save()
    content = b"".join(client_for(hr).get(reverse("exports:xlsx"), {"team": org["comms"].pk}).streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.oddHeader.left.text.startswith(WIDE * 10) and sheet.oddHeader.left.text.endswith("\u2026")
    assert sheet.oddHeader.center.text.startswith(f"Compliance: \U0001f3e5 {WIDE}")
    xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    for part in ("oddHeader", "oddFooter"):
        written = html.unescape(xml.split(f"<{part}>")[1].split(f"</{part}>")[0])
        assert _utf16_length(written) <= 255, part
