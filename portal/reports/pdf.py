"""PDFs through xhtml2pdf: a Django template rendered to PDF bytes, with fonts shipped in the repository.

The fonts are DejaVu Sans (regular and bold), copied from Debian's fonts-dejavu-core; their licence (Bitstream Vera
terms, DejaVu changes public domain) allows redistribution with software and is kept next to them. A missing glyph
would print as a box, so names in any European script, Greek, Cyrillic, Arabic and Hebrew come out as written (it has
no Chinese, Japanese, Korean or Indic glyphs).

xhtml2pdf confines the files a document may read to the working directory unless told otherwise, so a task worker
started anywhere but the repository would be refused the fonts and fall back to Helvetica, printing boxes for names
outside Latin-1. Each build names the directories it may read, from this package, and reads nothing from the network.
"""

import io
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

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


def _static_roots() -> tuple[Path, ...]:
    return tuple(
        Path(storage.location)
        for finder in finders.get_finders()
        for storage in getattr(finder, "storages", {}).values()
        if getattr(storage, "location", None)
    )


def resource_policy() -> ResourceAccessPolicy:
    """What a PDF build may read: the shipped fonts and the static files link_callback resolves, wherever the process
    was started; no network."""
    return ResourceAccessPolicy(allow_remote=False, base_dir=FONTS, extra_roots=_static_roots())


def render_pdf(template: str, context: dict) -> bytes:
    output = io.BytesIO()
    render_pdf_to(output, template, context)
    return output.getvalue()


def render_pdf_to(dest: BinaryIO, template: str, context: dict) -> None:
    """Render `template` to PDF into `dest` (a file open for writing bytes)."""
    html = render_to_string(template, context)
    result = pisa.CreatePDF(
        html, dest=dest, link_callback=link_callback, encoding="utf-8", resource_policy=resource_policy()
    )
    if result.err:
        raise PdfError(f"Could not build the PDF from {template} ({result.err} errors).")
