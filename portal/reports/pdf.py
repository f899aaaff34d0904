"""PDFs through xhtml2pdf: a Django template rendered to PDF bytes, with fonts shipped in the repository."""

import io
from pathlib import Path

from django.template.loader import render_to_string
from xhtml2pdf import pisa

FONTS = Path(__file__).resolve().parent / "fonts"


class PdfError(Exception):
    pass


def _link_callback(uri: str, rel: str) -> str:
    """Only the fonts shipped with the app may be loaded: never the network or arbitrary files."""
    name = Path(uri).name
    candidate = FONTS / name
    if uri.startswith("fonts/") and candidate.is_file():
        return str(candidate)
    raise PdfError(f"PDF templates may only use the shipped fonts, not {uri!r}.")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    output = io.BytesIO()
    result = pisa.CreatePDF(html, dest=output, link_callback=_link_callback, encoding="utf-8")
    if result.err:
        raise PdfError(f"Could not build the PDF from {template} ({result.err} errors).")
    return output.getvalue()
