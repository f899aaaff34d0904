"""Turning a plain-text policy document with numbered headings into sections. Pure functions: no database.

Rules, in order:
- The text is decoded as UTF-8 (with or without a byte-order mark), falling back to Windows-1252.
- A heading is a line that starts with a section number ("6", "6.", "6.2", "6.2.1"), then a short heading that
  starts with a capital letter and does not end with a full stop (so numbered sentences inside a list stay text).
- Numbers must move forward: a heading is accepted only if its number sorts after the previous heading's. This is
  what drops the contents list: its entries repeat after it ("1. Introduction 5"...), and the body's first "1."
  heading is the one kept, because each contents line ends with a page number or leader dots and is skipped.
- Lines starting "- ", "• " or "* " are bullet items; consecutive items (blank lines between them allowed) form one
  list. Other lines are paragraphs; **bold** becomes <strong>. Tab-separated lines become one line with " - ".
"""

import datetime
import html
import re
from dataclasses import dataclass, field

HEADING_RE = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+(?P<heading>[A-Z][^\n]{0,118})$")
CONTENTS_LINE_RE = re.compile(r"(\.{3,}\s*\d*|\t\s*\d+|\s\d{1,3})\s*$")
BULLET_RE = re.compile(r"^\s*(?:[-•*▪●]|\u2013)\s+(?P<text>.+)$")
EFFECTIVE_RE = re.compile(
    r"effective (?:from|date)[:\s]+(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]+)\s+(?P<year>\d{4})", re.I
)
BOLD_RE = re.compile(r"\*\*(.+?)\*\*")
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}


class PolicyImportError(ValueError):
    """The document cannot be imported; the message says why."""


@dataclass
class ParsedSection:
    number: str
    heading: str
    html: str = ""
    lines: list[str] = field(default_factory=list, repr=False)


@dataclass
class ParsedPolicy:
    title: str
    effective_date: datetime.date | None
    sections: list[ParsedSection]


def decode_policy_bytes(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _inline(text: str) -> str:
    return BOLD_RE.sub(r"<strong>\1</strong>", html.escape(" ".join(text.replace("\t", " - ").split())))


def _render(lines: list[str]) -> str:
    parts, bullets = [], []

    def flush_bullets():
        if bullets:
            parts.append("<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in bullets) + "</ul>")
            bullets.clear()

    for index, line in enumerate(lines):
        if not line.strip():
            next_line = next((later for later in lines[index + 1 :] if later.strip()), "")
            if bullets and BULLET_RE.match(next_line):
                continue  # a blank line inside a list does not end it
            flush_bullets()
            continue
        bullet = BULLET_RE.match(line)
        if bullet:
            bullets.append(bullet.group("text"))
        else:
            flush_bullets()
            parts.append(f"<p>{_inline(line)}</p>")
    flush_bullets()
    return "".join(parts)


def _effective_date(text: str) -> datetime.date | None:
    match = EFFECTIVE_RE.search(text)
    if not match or match.group("month").lower() not in MONTHS:
        return None
    try:
        return datetime.date(int(match.group("year")), MONTHS[match.group("month").lower()], int(match.group("day")))
    except ValueError:
        return None


def parse_policy(text: str) -> ParsedPolicy:
    if not text.strip():
        raise PolicyImportError("The file is empty.")
    lines = text.split("\n")
    title = next((line.strip() for line in lines if line.strip()), "Untitled policy")
    sections: list[ParsedSection] = []
    last_key: tuple[int, ...] = ()
    for line in lines:
        stripped = line.strip()
        match = HEADING_RE.match(stripped)
        is_heading = (
            match is not None
            and not match.group("heading").rstrip().endswith((".", ",", ";", ":"))
            and not CONTENTS_LINE_RE.search(stripped)
            and _number_key(match.group("number")) > last_key
        )
        if is_heading:
            number = match.group("number")
            sections.append(ParsedSection(number=number, heading=match.group("heading").strip()))
            last_key = _number_key(number)
        elif sections:
            sections[-1].lines.append(line.rstrip())
    if not sections:
        raise PolicyImportError(
            "No numbered headings found. Headings must start a line with their section number, "
            "for example '1. Introduction' or '6.2 Best Practice'."
        )
    for section in sections:
        section.html = _render(section.lines)
    return ParsedPolicy(title=title, effective_date=_effective_date(text), sections=sections)
