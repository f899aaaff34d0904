"""Text as the portal's PDFs print it: every part of a long name on the page, and read back as it was written.

xhtml2pdf's paragraphs (the templates' and those of a pack's people, drawn with ReportLab) break a line only at a
space, so a word wider than its line ran off the page: a double-barrelled name of 150 characters lost its end, on
paper and to pdftotext, a screen reader or a search. `line_parts` cuts such a word where it may break, after a hyphen
that fits, or between any two characters if none does, and the caller puts a line break between the parts.

ReportLab writes each font subset's ToUnicode map (what a reader, a screen reader, search and copy-paste take each
glyph to be) with four hexadecimal digits a character, so a character above U+FFFF that the font has (the emoji
U+1F600 in DejaVu Sans) printed right but read back as another (U+1F60). The PDF reference (ISO 32000, 9.10.3) wants
UTF-16BE there: `to_unicode_cmap` writes such a character as its surrogate pair, everything else as before, and
`reports.pdf` puts it in ReportLab's place. It also maps the code of a character the font has no glyph for (printed
as a box) to U+FFFD, the replacement character, where it read back as U+0000 and vanished from the text.
"""

import re
import unicodedata

from reportlab.pdfbase.pdfmetrics import stringWidth

HYPHENS = "-\u2010"  # hyphen-minus and hyphen; not the non-breaking hyphen U+2011
REPLACEMENT = 0xFFFD
ELLIPSIS = "\u2026"


def line_parts(text: str, font: str, size: float, room: float) -> list[str]:
    """`text` cut into parts to be set on lines of their own, so that no word (a run without a space) of any part is
    wider than `room` points in `font` at `size`: one part if every word fits. A word too wide is cut after its last
    hyphen that fits, else after as many characters as fit (never before a combining mark), and carries on at the
    start of the next part; the spaces stay where they were."""
    parts = [""]
    for piece in re.split(r"(\s+)", text):
        if piece.isspace() or stringWidth(piece, font, size) <= room:
            parts[-1] += piece
            continue
        chunks = _word_chunks(piece, font, size, room)
        parts[-1] += chunks[0]
        parts += chunks[1:]
    return parts


def shortened(text: str, font: str, size: float, room: float) -> str:
    """`text` if it fits in `room` points in `font` at `size`, else as many of its first characters as fit with an
    ellipsis after them (never cut before a combining mark)."""
    if stringWidth(text, font, size) <= room:
        return text
    cut = _fitting(text, font, size, room - stringWidth(ELLIPSIS, font, size))
    while cut > 1 and unicodedata.combining(text[cut]):
        cut -= 1
    return text[:cut].rstrip() + ELLIPSIS


def _word_chunks(word: str, font: str, size: float, room: float) -> list[str]:
    chunks = []
    while stringWidth(word, font, size) > room:
        fits = _fitting(word, font, size, room)
        hyphen = max(word.rfind(mark, 0, fits) for mark in HYPHENS)
        cut = hyphen + 1 if hyphen >= 0 else fits
        while cut > 1 and unicodedata.combining(word[cut]):
            cut -= 1
        chunks.append(word[:cut])
        word = word[cut:]
    return [*chunks, word]


def _fitting(word: str, font: str, size: float, room: float) -> int:
    """How many of `word`'s first characters fit in `room`: at least one, so that the word gets shorter."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if stringWidth(word[:middle], font, size) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's `ttfonts.makeToUnicodeCMap`, with each character written in UTF-16BE: a surrogate pair above
    U+FFFF. The glyph of a character the font lacks (code 0, the font's .notdef) reads as U+FFFD."""
    cmap = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{code:02X}> <{_utf16(character)}>" for code, character in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(cmap)


def _utf16(character: int) -> str:
    return chr(character or REPLACEMENT).encode("utf-16-be", "surrogatepass").hex().upper()
