"""PDFs: Django templates through xhtml2pdf, and the people of an evidence pack drawn with ReportLab directly, with
fonts shipped in the repository.

The fonts are DejaVu Sans (regular and bold), copied from Debian's fonts-dejavu-core; their licence (Bitstream Vera
terms, DejaVu changes public domain) allows redistribution with software and is kept next to them. A missing glyph
would print as a box, so names in any European script, Greek, Cyrillic, Arabic and Hebrew come out as written (it has
no Chinese, Japanese, Korean or Indic glyphs).

xhtml2pdf confines the files a document may read to the working directory unless told otherwise, so a task worker
started anywhere but the repository would be refused the fonts and fall back to Helvetica, printing boxes for names
outside Latin-1. Each build names the directories it may read, from this package, and reads nothing from the network.

Text from the records (names, teams, requirements, references, reasons) is set so that all of it is on the page and
reads back as written: `pdftext` says how.
"""

import datetime
import io
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer, Table, TableStyle
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy
from xhtml2pdf.reportlab_paragraph import Paragraph
from xhtml2pdf.util import shape_frag_text

from . import basis as clocks
from .pdftext import line_parts, shortened, to_unicode_cmap
from .templatetags.report_tags import hash_groups

FONTS = Path(__file__).resolve().parent / "fonts"

# For every PDF of the process, xhtml2pdf's and ours: a character above U+FFFF reads back as itself (see pdftext).
ttfonts.makeToUnicodeCMap = to_unicode_cmap


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


# The certificate's name: 20pt bold (certificate_pdf.html's .name) when it fits on a line, else smaller, to 14pt; a
# word that is wider than the line even so is broken (pdftext.line_parts). The room is the page less its 2cm margins,
# with some to spare: xhtml2pdf shapes Arabic after it is measured here.
CERTIFICATE_ROOM = (A4[0] - 4 * cm) * 0.95
NAME_SIZE, NAME_SIZE_FLOOR = 20.0, 14.0


@dataclass(frozen=True)
class FittedName:
    size: float
    lines: list[str]  # to set with a line break between each: one, unless a word is too wide for a line


def certificate_name(name: str) -> FittedName:
    """`name` as the certificate sets it: the size to print it at, and its lines."""
    font = _pack_fonts()[1]
    width = pdfmetrics.stringWidth(name, font, NAME_SIZE)
    size = (
        NAME_SIZE
        if width <= CERTIFICATE_ROOM
        else max(NAME_SIZE_FLOOR, NAME_SIZE * CERTIFICATE_ROOM / width // 0.5 * 0.5)
    )
    return FittedName(size, line_parts(name, font, size, CERTIFICATE_ROOM))


# The people of an evidence pack. Through xhtml2pdf (a template of tables) a person's page cost about 35 ms of CPU:
# each of its sixty-odd cells parsed from HTML, styled from CSS with seven table commands of its own, and wrapped in
# a frame that is wrapped again to be drawn; 1.7-1.9 s for a part of 48 people, most of a 50-person pack. Drawn
# here, the same tables with the same words take 0.45-0.57 s. Simpler markup did not get near that: without the
# cells' rules, padding, classes and the spans in the evidence cell, the template still took 1.5 s. The paragraphs
# are xhtml2pdf's, as in its own tables, so that Arabic and Hebrew are laid out right to left, line by line. The
# cover and the manifest, a page each, stay templates (templates/reports/pack/); the look follows their base.html:
# page, footer, headings and tables.
PAGE_MARGINS = (1.6 * cm, 1.5 * cm, 1.8 * cm, 1.5 * cm)  # top, right, bottom, left, as base.html's @page
FOOTER_WIDTH = 0.82  # of the frame's width: base.html's footer keeps the rest for "Page N of M"
# The footer is two lines high (0.8 cm) on every page, the cover's and the manifest's too: a team's name (up to 200
# characters) is cut to half a line in it, with an ellipsis, so that the footer never runs off the page nor is shrunk
# to fit. It only has to say which pack a page is from: the whole name is on the cover and in each person's heading.
# The organisation's name (a setting, any length) is cut the same way to most of a line: it starts the footer, so it
# fits on the first line whatever its words, and the rest (about 0.4 of a line, and the team's half) on the second.
# The longest names of NHS bodies (some 80 characters) print whole; the whole name is on the cover. The day and its
# clock ("as recorded then", the longest) follow the team's name, so that a page printed alone says which it shows.
FOOTER_TEAM_ROOM = 0.5  # of the footer's width
FOOTER_ORGANISATION_ROOM = 0.8
PERSON_COLUMNS = (
    ("Requirement", 0.24),
    ("Status", 0.11),
    ("Completed", 0.12),
    ("Expires or due", 0.12),
    ("Evidence", 0.41),
)
CORRECTION_COLUMNS = (("Requirement", 0.24), ("Entry voided", 0.34), ("Correction", 0.42))
SMALL = '<font size="7.5" color="#4c6272">'  # base.html's .small
HASH = '<font size="7.5">'  # base.html's .hash
CELL_PADDING = 3
PACK_FONT, PACK_FONT_BOLD = "PackDejaVuSans", "PackDejaVuSans-Bold"


def render_pack_people_to(
    dest: BinaryIO, *, pack, organisation_name: str, people: list, first: bool, team_name: str = ""
) -> None:
    """Lay out a run of an evidence pack's people (`packs.PersonSection`) into `dest` (a file open for writing
    bytes): each person's heading, their requirements and any corrections, with the pack's footer on every page,
    naming its team `team_name` (as named on the pack's day; else its name now); `first` puts the heading "Evidence
    by person" before them."""
    from .pdfjoin import PAGE_NUMBER_BASELINE  # here: pdfjoin imports this module

    styles = _pack_styles()
    top, right, bottom, left = PAGE_MARGINS
    width = A4[0] - left - right
    team_name = team_name or pack.team.name
    title = f"{team_name} as at {pack.as_at:%Y-%m-%d}"
    footer_text = (
        f"{footer_organisation(organisation_name)}. Evidence pack {pack.pk}: {footer_team(team_name)} "
        f"as at {pack.as_at:%Y-%m-%d}, {dict(clocks.CHOICES)[pack.basis].lower()}."
    )
    footer_text = _text(footer_text, width * FOOTER_WIDTH, size=7.5)
    footer = Paragraph(footer_text, styles["small"])

    def draw_footer(canvas, document):
        # Its first line on the baseline where pdf_join stamps "Page N of M", as in base.html's footer frame.
        _, height = footer.wrap(width * FOOTER_WIDTH, 0.8 * cm)
        first_line = footer.blPara if footer.blPara.kind == 0 else footer.blPara.lines[0]  # as drawPara finds it
        ascent = getattr(first_line, "ascent", first_line.fontSize)
        footer.drawOn(canvas, left, PAGE_NUMBER_BASELINE + ascent - height)

    document = BaseDocTemplate(
        dest, pagesize=A4, title=f"Evidence pack: {title}", author=organisation_name, creator="portal.reports"
    )
    frame = Frame(
        left, bottom, width, A4[1] - top - bottom, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    document.addPageTemplates([PageTemplate("people", [frame], onPage=draw_footer)])
    story = [Spacer(0, 14), Paragraph("Evidence by person", styles["h2"])] if first else []
    for section in people:
        story += _person(section, styles, width)
    if not people:
        story.append(Paragraph("Nobody was in these teams at that date.", styles["body"]))
    document.build(story)


def footer_team(name: str) -> str:
    """A team's name as the pack's footer prints it: cut to FOOTER_TEAM_ROOM of the footer, with an ellipsis."""
    return _footer_part(name, FOOTER_TEAM_ROOM)


def footer_organisation(name: str) -> str:
    """The organisation's name as the pack's footer prints it: cut to FOOTER_ORGANISATION_ROOM of the footer, with an
    ellipsis."""
    return _footer_part(name, FOOTER_ORGANISATION_ROOM)


def _footer_part(name: str, room: float) -> str:
    width = A4[0] - PAGE_MARGINS[1] - PAGE_MARGINS[3]
    return shortened(name, _pack_fonts()[0], 7.5, width * FOOTER_WIDTH * room)


def _expires_or_due(row) -> str:
    """The date column of a row not paused: its expiry once done, else its due date."""
    return (_day(row.expires_on) or "No expiry") if row.completed_on else f"Due {_day(row.due_on)}"


def _person(section, styles: dict, width: float) -> list:
    """One person's heading, table of requirements and, if any, table of corrections."""
    staff, body = section.staff, styles["body"]
    team = section.team.name if section.team else ""
    name = _text(staff.full_name, width, size=11, bold=True)
    flowables = [
        Paragraph(
            f"{name} {SMALL}employee {_text(staff.employee_number, width)}, {_text(team, width, size=7.5)}</font>",
            styles["h3"],
        )
    ]
    room = _rooms(PERSON_COLUMNS, width)
    rows = [
        [
            Paragraph(_text(row.requirement.name, room[0]), body),
            Paragraph(_text(label), styles["overdue"] if colour == "red" else body),
            Paragraph(_day(row.completed_on) or "–", body),
            Paragraph(_text(paused) if paused else _expires_or_due(row), body),
            Paragraph(_evidence(row.evidence, room[4]), body),
        ]
        for row, label, colour, paused in section.lines
    ]
    if not rows:
        rows = [[Paragraph("No requirements applied to this person.", body), "", "", "", ""]]
    flowables.append(_table(PERSON_COLUMNS, rows, styles, width, empty=not section.lines))
    if section.corrections:
        flowables.append(
            Paragraph(
                f"<b>Corrections.</b> Evidence recorded for {_text(staff.full_name, width, size=7.5, bold=True)} and "
                "later voided; it does not count above.",
                styles["p_small"],
            )
        )
        room = _rooms(CORRECTION_COLUMNS, width)
        rows = [_correction(c, body, room) for c in section.corrections]
        flowables.append(_table(CORRECTION_COLUMNS, rows, styles, width))
    return flowables


def _evidence(entry, room: float) -> str:
    if entry is None:
        return "Nothing recorded"
    text = f"{_text(entry.get_source_display(), room)}: {_text(entry.source_ref, room)}"
    if entry.snapshot:
        snapshot = entry.snapshot
        text += (
            f"<br/>{HASH}Policy version {_text(snapshot.version_label, room, size=7.5)}, text SHA-256 "
            f"{hash_groups(snapshot.content_hash)}</font>"
        )
    text += f"<br/>{SMALL}Ledger entry #{entry.seq}, recorded {_moment(entry.recorded_at)}"
    if entry.recorded_by:
        text += f" by {_text(entry.recorded_by.display_name, room, size=7.5)}"
    return text + "</font>"


def _correction(correction, body: ParagraphStyle, room: list[float]) -> list:
    entry = correction.voids
    voided = f"Ledger entry #{entry.seq}: {_text(entry.get_source_display(), room[1])}: "
    voided += _text(entry.reference_without_reason, room[1])  # a pack is read by managers and auditors
    if entry.completed_at:
        voided += f", completed {_moment(entry.completed_at, 'j M Y')}"
    made = f"Voided {_moment(correction.recorded_at)}"
    if correction.recorded_by:
        made += f" by {_text(correction.recorded_by.display_name, room[2])}"
    made += (
        f": {_text(correction.reason_without_pause_reason, room[2])}<br/>{SMALL}Ledger entry #{correction.seq}</font>"
    )
    requirement = Paragraph(_text(correction.requirement.name, room[0]), body)
    return [requirement, Paragraph(voided, body), Paragraph(made, body)]


def _rooms(columns, width: float) -> list[float]:
    """The width of text in each column of a _table: the column's less its cell's padding, left and right."""
    return [width * share - 2 * CELL_PADDING for _, share in columns]


def _table(columns, rows: list, styles: dict, width: float, *, empty: bool = False) -> Table:
    """A table as base.html's table.data: a grey heading row repeated on each page it runs onto, a rule under
    every row."""
    heading = [Paragraph(name, styles["th"]) for name, _ in columns]
    commands = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e8edee")),
        ("LINEBELOW", (0, 0), (-1, 0), 1, HexColor("#aeb7bd")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, HexColor("#d8dde0")),
    ]
    if empty:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    return Table(
        [heading, *rows],
        colWidths=[width * share for _, share in columns],
        repeatRows=1,
        splitInRow=1,  # a row taller than a page (a long reason for a correction) runs on to the next
        style=TableStyle(commands),
    )


@cache
def _pack_fonts() -> tuple[str, str]:
    """The shipped fonts, regular and bold, registered with ReportLab once a process, by name."""
    pdfmetrics.registerFont(TTFont(PACK_FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(PACK_FONT_BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        PACK_FONT, normal=PACK_FONT, bold=PACK_FONT_BOLD, italic=PACK_FONT, boldItalic=PACK_FONT_BOLD
    )
    return PACK_FONT, PACK_FONT_BOLD


@cache
def _pack_styles() -> dict[str, ParagraphStyle]:
    """base.html's styles as ReportLab's, in the shipped fonts."""
    _pack_fonts()
    # What xhtml2pdf's paragraphs read of a style beyond ReportLab's.
    extra = {
        "letterSpacing": "normal",
        "wordSpacing": "normal",
        "textTransform": None,
        "border": None,
        "paddingTop": 0,
        "paddingBottom": 0,
        "backgroundImage": None,
    }
    # xhtml2pdf sets a line 1.5 times its font's size, and keeps a heading's margin at the top of a page.
    body = ParagraphStyle("body", fontName=PACK_FONT, fontSize=9, leading=13.5, textColor=HexColor("#212b32"), **extra)
    small = ParagraphStyle("small", parent=body, fontSize=7.5, leading=11.25, textColor=HexColor("#4c6272"))
    bold = {"parent": body, "fontName": PACK_FONT_BOLD}
    return {
        "body": body,
        "small": small,
        "th": ParagraphStyle("th", **bold),
        "overdue": ParagraphStyle("overdue", **bold, textColor=HexColor("#d5281b")),
        "p_small": ParagraphStyle("p_small", parent=small, spaceBefore=7.5, spaceAfter=7.5),
        "h2": ParagraphStyle("h2", **bold, fontSize=14, leading=21, textColor=HexColor("#005eb8"), spaceAfter=4),
        "h3": ParagraphStyle("h3", **bold, fontSize=11, leading=16.5, spaceBefore=12, spaceAfter=2, keepWithNext=1),
    }


def _text(value, room: float | None = None, *, size: float = 9, bold: bool = False) -> str:
    """`value` as paragraph markup: escaped, and Arabic joined as xhtml2pdf joins it (its paragraphs then lay each
    line out right to left where it should be). Given the `room` it has, in points, a word wider than that at `size`
    is broken over lines (pdftext.line_parts): the paragraph would break it only at a space."""
    value = str(value)
    value = shape_frag_text(value, PACK_FONT) or value
    if room is None:
        return escape(value, quote=False)
    font = _pack_fonts()[bold]
    return "<br/>".join(escape(part, quote=False) for part in line_parts(value, font, size, room))


def _day(day: datetime.date | None) -> str:
    return dateformat.format(day, "j M Y") if day else ""


def _moment(moment: datetime.datetime, form: str = "j M Y H:i") -> str:
    """As the template filter `date` shows it: in local time."""
    return dateformat.format(timezone.localtime(moment), form)
