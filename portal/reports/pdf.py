"""PDFs through xhtml2pdf: a Django template rendered to PDF bytes, with fonts shipped in the repository.

The fonts are DejaVu Sans (regular and bold), copied from Debian's fonts-dejavu-core; their licence (Bitstream Vera
terms, DejaVu changes public domain) allows redistribution with software and is kept next to them. A missing glyph
would print as a box, so names in any European script, Greek and Cyrillic come out as written.
"""

import io
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from xhtml2pdf import pisa

FONTS = Path(__file__).resolve().parent / "fonts"


class PdfError(Exception):
    pass


def link_callback(uri: str, rel: str | None = None) -> str:
    """Resolve `fonts/<name>` to the shipped fonts and STATIC_URL paths to static files on disk. Nothing else:
    a PDF is never built from the network or from an arbitrary file."""
    if uri.startswith("fonts/"):
        candidate = FONTS / Path(uri).name
        if candidate.is_file():
            return str(candidate)
    elif uri.startswith(settings.STATIC_URL):
        found = finders.find(uri.removeprefix(settings.STATIC_URL))
        if found:
            return found
    raise PdfError(f"PDF templates may only use the shipped fonts and static files, not {uri!r}.")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, link_callback=link_callback, encoding="utf-8")
    if result.err:
        raise PdfError(f"Could not build the PDF from {template} ({result.err} errors).")
    return output.getvalue()
