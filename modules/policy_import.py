"""Reading a plain-text policy with numbered headings into its sections. Pure functions: no database.

The rules, so that an editor can predict the result:

Text
- Bytes are decoded as UTF-8 (a byte-order mark is dropped; UTF-16 with a byte-order mark is read too), otherwise as
  Windows-1252. CRLF and CR line endings become LF.

Headings
- A heading is a line "N. Heading", "N.N Heading" or "N.N.N Heading" ("1. Introduction", "4.1 Responsibility of the
  CCG"; "4.1. Heading" and "1<TAB>Heading" are accepted too). The heading text starts with a capital letter, is at
  most 120 characters, holds no tab, and does not end like a sentence or a lead-in (. , ; : ! ? …).
- Numbers go forward a step at a time: the next heading raises one level of the previous heading's number by 1 to 3
  (4.4 -> 4.5 or 5; up to two missing numbers are tolerated) or opens the level below it at 1 to 3 (4 -> 4.1). The
  first heading is 1 (or 2 or 3). A line that looks like a heading but does not follow on is text of its section,
  so the numbered list "1. 2. 3." inside section 6 cannot start a new section 1, 2 or 3.
- A numbered line that continues a numbered list is text, even when its number could follow on: the "3." of a list
  "1. 2. 3." inside section 2.1 stays in 2.1. (It continues a list when the line before it, blank lines aside, is a
  numbered line that is not a heading, one less at the same level.)
- Everything before the first heading is front matter. "Effective from 21st June 2021" (or 21/06/2021) anywhere
  gives the effective date.

Front matter
- Its first line is the title.
- A line "Applies to all employees of ..." (or "This policy applies to: ...") says whom the policy applies to.
- A line that says the policy is "read in conjunction with" (or "Related policies") introduces the related policies:
  the bullet items after it (blank lines between them allowed), or, without bullets, the lines after it up to a blank
  line. Text after the line's colon counts too, separated by semicolons.
- The revisions table: an optional title line ("Policy Revisions and Amendments", "Version history"), then a heading
  row of tab-separated column names: Date, Section, Reason for change, Approved by, and optionally Version, in any
  order. Each tab-separated line after it is a row (blank lines between rows allowed) up to the first line without a
  tab. An empty row (tabs only) is skipped. A row must give a day-month-year date (21/06/2022, 21.06.2022,
  2022-06-21 or 21 June 2022), a section, a reason and who approved it; any other row, or a column the import does
  not know, stops the import with a message naming the line.
- The rest (other lines, such as the organisation the policy is issued by) is kept as it is written.

Contents list
- A line ending in leader dots or in a tab and a page number ("6.2 Best Practice.....8", "1. Introduction<TAB>5")
  is never a heading.
- After a "Contents" line in the front matter, everything up to the line that repeats the contents' first number as
  a heading (the body's "1. Introduction") is dropped, whatever the entries look like.

Section text
- Lines starting "- ", "* " or "• " are bullet items; items separated only by blank lines form one list.
- Lines of tab-separated cells are table rows; consecutive rows form one list, each row's cells joined by " – ".
- Lines not separated by a blank line belong to one paragraph or list item, as in Markdown, except that a line starting
  with a list marker ("3.", "b)") starts a new paragraph. A paragraph broken by a blank line mid-sentence (it ends
  without punctuation and the next line starts in lower case) is joined back together.
- Text is HTML-escaped; **bold** becomes <strong>.
"""

import codecs
import datetime
import html
import re
from dataclasses import dataclass, field

MAX_HEADING_LENGTH = 120
MAX_STEP = 3  # so a heading may skip up to two numbers someone deleted without renumbering
MONTHS = ("january", "february", "march", "april", "may", "june")
MONTHS += ("july", "august", "september", "october", "november", "december")

HEADING_RE = re.compile(r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,2})(?P<dot>\.?)(?P<gap>[ \t]+)(?P<heading>\S.*)")
NUMBERED_RE = re.compile(r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,2})[.)]?\s+\S")
CONTENTS_ENTRY_RE = re.compile(r"(?:\.{2,}|…)\s*\d*$|\t\s*\d{1,3}$")
CONTENTS_TITLE_RE = re.compile(r"(?:table of )?contents:?", re.IGNORECASE)
BULLET_RE = re.compile(r"[-*•▪●–]\s+(?P<text>.+)")
LIST_MARKER_RE = re.compile(r"\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s")
BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EFFECTIVE_RE = re.compile(
    r"effective(?:\s+(?:from|date|on))?\s*:?\s+"
    r"(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]{3,9}),?\s+(?P<year>\d{4})"
    r"|(?P<numeric_day>\d{1,2})/(?P<numeric_month>\d{1,2})/(?P<numeric_year>\d{4}))",
    re.IGNORECASE,
)
HEADING_ENDINGS = (".", ",", ";", ":", "!", "?", "…")
SENTENCE_ENDINGS = (".", ",", ";", ":", "!", "?", "…", '"', "”", "'", "’", ")")


REVISIONS_TITLE_RE = re.compile(
    r"(?:policy |document )?(?:(?:revisions?|change|version|amendment)s? history|revisions?(?: and amendments?)?"
    r"|amendments?(?: and revisions?)?|version control)",
    re.IGNORECASE,
)
APPLIES_TO_RE = re.compile(r"(?:this (?:policy|document) )?applies to\s*:?\s+(?P<who>\S.*?)\.?", re.IGNORECASE)
RELATED_RE = re.compile(
    r"(?:.*\b(?:read|used) in conjunction with\b[^:]*|(?:related|associated) (?:policies|documents)\b[^:]*)"
    r"(?::\s*(?P<rest>.*))?",
    re.IGNORECASE,
)
DAY_MONTH_YEAR_RE = re.compile(r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4})")
ISO_DATE_RE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
DATE_IN_WORDS_RE = re.compile(r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]{3,9})\.?,?\s+(?P<year>\d{4})", re.I)
# The revisions table's columns, as PolicyAmendment names them, by what a heading starts with or says.
REVISION_COLUMNS = (
    ("date", re.compile(r".*\bdate\b.*")),
    ("version", re.compile(r"(?:version|issue|rev(?:ision)?)\b.*")),
    ("section", re.compile(r"(?:section|paragraph|clause)s?(?:\s*\(s\))?(?:\s+(?:changed|amended))?")),
    ("approved_by", re.compile(r"(?:approved|authori[sz]ed|ratified)(?:\s+by)?")),
    ("reason", re.compile(r".*\b(?:reason|change|amendment|description|summary)s?\b.*")),
)
REQUIRED_COLUMNS = {"date": "Date", "section": "Section", "reason": "Reason for change", "approved_by": "Approved by"}


class PolicyImportError(ValueError):
    """The document cannot be imported; the message says why."""


@dataclass(frozen=True)
class ParsedSection:
    number: str
    heading: str
    html: str


@dataclass(frozen=True)
class ParsedRevision:
    """A filled-in row of the document's revisions table; `line` is its line number in the file."""

    line: int
    version: str
    date: datetime.date
    section: str
    reason: str
    approved_by: str


@dataclass(frozen=True)
class ParsedPolicy:
    title: str
    effective_date: datetime.date | None
    sections: list[ParsedSection]
    applies_to: str = ""
    related_policies: list[str] = field(default_factory=list)
    revisions: list[ParsedRevision] = field(default_factory=list)
    other_front_matter: str = ""  # HTML, rendered as a section's text is


def decode_policy_bytes(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse_policy(text: str) -> ParsedPolicy:
    """The title, effective date and numbered sections of a policy, by the rules in this module's docstring."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PolicyImportError("The file is empty.")
    lines = text.split("\n")
    front, found = _split_at_headings(_without_contents(lines))
    if not found:
        raise PolicyImportError(
            "No numbered headings found. Each section must start on its own line with its number and a heading, "
            "for example “1. Introduction” or “6.2 Best Practice”, numbered in order from 1."
        )
    front_matter = _front_matter(front)
    return ParsedPolicy(
        title=front_matter.title,
        effective_date=_effective_date(text),
        sections=[ParsedSection(number, heading, _render(body)) for number, heading, body in found],
        applies_to=front_matter.applies_to,
        related_policies=front_matter.related_policies,
        revisions=front_matter.revisions,
        other_front_matter=_render(front_matter.other_lines),
    )


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def _heading(line: str) -> tuple[str, str] | None:
    """The (number, heading) of a line shaped like a heading, wherever it is; None for any other line."""
    match = HEADING_RE.fullmatch(line.strip())
    if match is None:
        return None
    number, heading = match["number"], match["heading"].strip()
    top_level_without_marker = "." not in number and not match["dot"] and "\t" not in match["gap"]
    if (
        top_level_without_marker
        or not heading[0].isupper()
        or len(heading) > MAX_HEADING_LENGTH
        or "\t" in heading
        or heading.endswith(HEADING_ENDINGS)
        or CONTENTS_ENTRY_RE.search(heading)
    ):
        return None
    return number, heading


def _follows(number: tuple[int, ...], previous: tuple[int, ...]) -> bool:
    depth = len(number)
    if depth > len(previous) + 1 or number[:-1] != previous[: depth - 1]:
        return False
    base = previous[depth - 1] if depth <= len(previous) else 0
    return base < number[-1] <= base + MAX_STEP


def _continues_list(number: tuple[int, ...], previous_item: tuple[int, ...] | None) -> bool:
    return (
        previous_item is not None
        and len(number) == len(previous_item)
        and number[:-1] == previous_item[:-1]
        and number[-1] == previous_item[-1] + 1
    )


def _without_contents(lines: list[str]) -> list[str]:
    """The lines less the contents list: from a "Contents" line to where the body repeats its first number."""
    start = next((i for i, line in enumerate(lines) if CONTENTS_TITLE_RE.fullmatch(line.strip())), None)
    first_heading = next((i for i, line in enumerate(lines) if _heading(line)), len(lines))
    if start is None or start > first_heading:  # a "Contents" line inside a section is just text
        return lines
    numbered = ((i, NUMBERED_RE.match(lines[i].strip())) for i in range(start + 1, len(lines)))
    first_entry = next(((i, match["number"]) for i, match in numbered if match), None)
    if first_entry is None:
        return lines
    first_index, first_number = first_entry
    for i in range(first_index + 1, len(lines)):
        heading = _heading(lines[i])
        if heading and heading[0] == first_number:
            return lines[:start] + lines[i:]
    return lines


@dataclass
class _FrontMatter:
    title: str = ""
    applies_to: str = ""
    related_policies: list[str] = field(default_factory=list)
    revisions: list[ParsedRevision] = field(default_factory=list)
    other_lines: list[str] = field(default_factory=list)


def _front_matter(lines: list[str]) -> _FrontMatter:
    """The parts of the front matter, by the rules in this module's docstring. `lines` are the document's first
    lines (the contents list and the body removed), so line i is the file's line i + 1."""
    result = _FrontMatter()
    i = 0
    while i < len(lines):
        line = " ".join(_cells(lines[i]))
        if not line:
            result.other_lines.append("")
        elif not result.title:
            result.title = line
        elif CONTENTS_TITLE_RE.fullmatch(line):
            break  # a contents list the body never repeats: nothing after it is front matter
        elif EFFECTIVE_RE.fullmatch(line.rstrip(".")):
            pass  # the effective date has its own field
        elif (applies := APPLIES_TO_RE.fullmatch(line)) and not result.applies_to:
            result.applies_to = applies["who"]
        elif (related := RELATED_RE.fullmatch(line)) and not result.related_policies:
            after, result.related_policies = _related_policies(lines, i, related["rest"] or "")
            if not result.related_policies:  # a sentence that names no list: keep it as written
                result.other_lines.append(lines[i])
            i = after if result.related_policies else i + 1
            continue
        elif REVISIONS_TITLE_RE.fullmatch(line) or _revision_columns(lines[i], i + 1):
            i = _revisions(lines, i, result.revisions)
            continue
        else:
            result.other_lines.append(lines[i])
        i += 1
    return result


def _related_policies(lines: list[str], i: int, rest: str) -> tuple[int, list[str]]:
    """The related policies introduced on line i, and the index of the first line after them."""
    found = [item.strip() for item in rest.split(";") if item.strip()]
    i += 1
    after = [j for j in range(i, len(lines)) if lines[j].strip()]
    if after and BULLET_RE.fullmatch(lines[after[0]].strip()):
        for j in after:
            bullet = BULLET_RE.fullmatch(lines[j].strip())
            if bullet is None:
                return j, found
            found.append(" ".join(bullet["text"].split()))
        return len(lines), found
    if found:
        return i, found
    while i < len(lines) and lines[i].strip() and "\t" not in lines[i]:
        found.append(" ".join(lines[i].split()))
        i += 1
    return i, found


def _revisions(lines: list[str], i: int, found: list[ParsedRevision]) -> int:
    """Read the revisions table starting at line i (its title or its heading row) into `found`; the index of the
    first line after it."""
    if REVISIONS_TITLE_RE.fullmatch(" ".join(_cells(lines[i]))):
        i += 1
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i == len(lines) or "\t" not in lines[i]:
            return i  # a title with no table under it
    columns = _revision_columns(lines[i], i + 1, strict=True)
    i += 1
    while i < len(lines) and (not lines[i].strip() or "\t" in lines[i]):
        if _cells(lines[i]):
            found.append(_revision(lines[i], i + 1, columns))
        i += 1
    return i


def _revision_columns(line: str, number: int, *, strict: bool = False) -> list[str] | None:
    """The field each column of a revisions table's heading row fills, or None if the line is not such a row.
    With `strict`, a heading row the import cannot read is refused, naming the line."""
    names = [cell.strip() for cell in line.rstrip().split("\t")]
    columns = [_revision_column(name) for name in names]
    known = [column for column in columns if column]
    if not strict:
        return columns if "\t" in line and "date" in known and len(known) >= 3 else None
    unknown = [name for name, column in zip(names, columns, strict=True) if name and not column]
    missing = [label for column, label in REQUIRED_COLUMNS.items() if column not in known]
    repeated = sorted({column for column in known if known.count(column) > 1})
    if "\t" not in line or unknown or missing or repeated:
        found = ", ".join(f"“{name}”" for name in names if name) or "nothing"
        raise PolicyImportError(
            f"Line {number}: the revisions table's heading row should name its columns, separated by tabs: Date, "
            f"Section, Reason for change and Approved by (and Version, if you keep one); it has {found}."
        )
    return columns


def _revision_column(name: str) -> str | None:
    name = " ".join(name.lower().replace("’", "'").split()).rstrip(":")
    return next((column for column, pattern in REVISION_COLUMNS if pattern.fullmatch(name)), None) if name else None


def _revision(line: str, number: int, columns: list[str | None]) -> ParsedRevision:
    cells = [cell.strip() for cell in line.rstrip().split("\t")]
    if len(cells) > len(columns):
        raise PolicyImportError(
            f"Line {number}: this revisions row has {len(cells)} cells but the table has {len(columns)} columns; "
            "put a single tab between cells."
        )
    values = {column: " ".join(cell.split()) for column, cell in zip(columns, cells, strict=False) if column}
    missing = [label.lower() for column, label in REQUIRED_COLUMNS.items() if not values.get(column)]
    if missing:
        raise PolicyImportError(
            f"Line {number}: this revisions row gives no {' and no '.join(missing)}. Each row needs a date, the "
            "section, the reason for the change and who approved it."
        )
    date = _date(values["date"])
    if date is None:
        raise PolicyImportError(
            f"Line {number}: “{values['date']}” in the revisions table is not a date. Give the day, month and year, "
            "for example 21/06/2022 or 21 June 2022."
        )
    return ParsedRevision(
        line=number,
        version=values.get("version", ""),
        date=date,
        section=values["section"],
        reason=values["reason"],
        approved_by=values["approved_by"],
    )


def _date(text: str) -> datetime.date | None:
    """A date written as a day, month and year (21/06/2022, 21.06.2022, 2022-06-21, 21st June 2022)."""
    text = text.strip()
    match = DAY_MONTH_YEAR_RE.fullmatch(text) or ISO_DATE_RE.fullmatch(text) or DATE_IN_WORDS_RE.fullmatch(text)
    if match is None:
        return None
    month = match["month"]
    if not month.isdigit():
        month = next((i for i, name in enumerate(MONTHS, start=1) if name.startswith(month.lower())), None)
        if month is None:  # "Jun" and "Sept" are months, "Junk" is not
            return None
    try:
        return datetime.date(int(match["year"]), int(month), int(match["day"]))
    except ValueError:  # no such day, such as 31 June
        return None


def _split_at_headings(lines: list[str]) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """The front matter, and each heading's (number, heading, lines)."""
    front: list[str] = []
    found: list[tuple[str, str, list[str]]] = []
    previous: tuple[int, ...] = ()
    previous_item: tuple[int, ...] | None = None
    for line in lines:
        heading = _heading(line)
        if heading and _follows(_key(heading[0]), previous) and not _continues_list(_key(heading[0]), previous_item):
            found.append((heading[0], heading[1], []))
            previous, previous_item = _key(heading[0]), None
            continue
        (found[-1][2] if found else front).append(line)
        if line.strip():
            numbered = NUMBERED_RE.match(line.strip())
            previous_item = _key(numbered["number"]) if numbered else None
    return front, found


@dataclass
class _Block:
    kind: str  # "p", "bullets" or "rows"
    items: list[str] = field(default_factory=list)

    def html(self) -> str:
        if self.kind == "p":
            return f"<p>{_inline(self.items[0])}</p>"
        return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in self.items) + "</ul>"


def _render(lines: list[str]) -> str:
    blocks: list[_Block] = []
    after_blank = True
    for raw in lines:
        line = raw.strip()
        if not line:
            after_blank = True
            continue
        last = blocks[-1] if blocks else None
        bullet = BULLET_RE.fullmatch(line)
        cells = _cells(line)
        if bullet or len(cells) > 1:
            kind = "bullets" if bullet else "rows"
            item = " – ".join(_cells(bullet["text"]) if bullet else cells)
            if last and last.kind == kind:
                last.items.append(item)  # blank lines between items do not end the list
            else:
                blocks.append(_Block(kind, [item]))
        elif last and _continues(last, line, after_blank):
            last.items[-1] += " " + line
        else:
            blocks.append(_Block("p", [line]))
        after_blank = False
    return "".join(block.html() for block in blocks)


def _continues(block: _Block, line: str, after_blank: bool) -> bool:
    """Whether `line` carries on the block's last paragraph or item rather than starting a paragraph."""
    if LIST_MARKER_RE.match(line) or block.kind == "rows":
        return False
    if not after_blank:
        return True
    return block.kind == "p" and not block.items[-1].endswith(SENTENCE_ENDINGS) and line[0].islower()


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("\t") if cell.strip()]


def _inline(text: str) -> str:
    return BOLD_RE.sub(r"<strong>\1</strong>", html.escape(" ".join(text.split()), quote=False))


def _effective_date(text: str) -> datetime.date | None:
    match = EFFECTIVE_RE.search(text)
    if match is None:
        return None
    if match["numeric_day"]:
        year, month, day = match["numeric_year"], match["numeric_month"], match["numeric_day"]
    else:
        year, day = match["year"], match["day"]
        month = next((i for i, name in enumerate(MONTHS, start=1) if name.startswith(match["month"].lower())), None)
        if month is None:  # "Jun" and "Sept" are months, "Junk" is not
            return None
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:  # no such day, such as 31 June
        return None
