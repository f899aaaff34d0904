"""Text from people and files that the portal refuses: characters nobody can see or that change how text reads."""

import unicodedata

# Joiners shape letters in Arabic, Persian and Indic scripts: part of how some names are spelt.
JOINERS = {"\u200c", "\u200d"}
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
# Shown as nothing though not of a hidden category (Unicode's default-ignorable marks and letters): variation
# selectors, the combining grapheme joiner, the Hangul fillers. A name may need one; a code never does.
BLANK = {
    "\u034f",
    "\u115f",
    "\u1160",
    "\u17b4",
    "\u17b5",
    "\u3164",
    "\uffa0",
    *map(chr, range(0x180B, 0x1810)),
    *map(chr, range(0xFE00, 0xFE10)),
    *map(chr, range(0xE0100, 0xE01F0)),
}


def hidden_character(value: str, *, line_breaks: bool = False) -> str | None:
    """What is wrong with `value`, or None: the first character that is not visible text. That is a control
    character (NUL, a tab), a line break, a bidirectional override such as U+202E, a zero-width space, or a private-use
    or unassigned code point. `line_breaks=True` allows CR and LF, as in the lines of a text box."""
    for character in value:
        if _hidden(character) and character not in JOINERS and not (line_breaks and character in "\r\n"):
            return _described(character)
    return None


def code_hidden_character(value: str) -> str | None:
    """What is wrong with `value` as a code (a short identifier such as a team's RX1-F), or None: the first character
    that shows as nothing, and where it is. As `hidden_character`, but the joiners and the other blank characters are
    refused too: codes are told apart character by character, so RX1-F with a joiner in it would be a second team that
    reads as the first. For the same reason a space other than the ordinary one (a no-break space, which Excel and
    Word paste, a narrow or an ideographic space) is refused: RX1 F with a no-break space would be a second RX1 F."""
    for position, character in enumerate(value, start=1):
        if _hidden(character) or character in JOINERS or character in BLANK:
            return f"{_described(character)} at character {position}"
        if unicodedata.category(character) == "Zs" and character != " ":
            name = unicodedata.name(character, "")
            return f"the space U+{ord(character):04X} ({name}), not an ordinary space, at character {position}"
    return None


def shown_safely(value: str) -> str:
    """`value` with every character `hidden_character` would refuse replaced by U+FFFD: for text the portal keeps but
    did not choose, such as an uploaded file's name, so that a bidirectional override cannot make `cert‮fdp.exe` show
    as `certexe.pdf` to the HR officer reading it."""
    return "".join("\ufffd" if unicodedata.category(c) in HIDDEN and c not in JOINERS else c for c in value)


def _hidden(character: str) -> bool:
    return unicodedata.category(character) in HIDDEN


def _described(character: str) -> str:
    category = unicodedata.category(character)
    if character in "\r\n" or category in {"Zl", "Zp"}:
        return "a line break"
    if category == "Cc":
        return f"the control character U+{ord(character):04X}"
    name = unicodedata.name(character, "")
    return f"the hidden character U+{ord(character):04X}" + (f" ({name})" if name else "")
