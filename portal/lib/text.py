"""Text from people and files that the portal refuses: characters nobody can see or that change how text reads."""

import unicodedata

# Joiners shape letters in Arabic, Persian and Indic scripts: part of how some names are spelt.
JOINERS = {"\u200c", "\u200d"}
HIDDEN = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def hidden_character(value: str, *, line_breaks: bool = False) -> str | None:
    """What is wrong with `value`, or None: the first character that is not visible text. That is a control
    character (NUL, a tab), a line break, a bidirectional override such as U+202E, a zero-width space, or a private-use
    or unassigned code point. `line_breaks=True` allows CR and LF, as in the lines of a text box."""
    for character in value:
        category = unicodedata.category(character)
        if category not in HIDDEN or character in JOINERS or (line_breaks and character in "\r\n"):
            continue
        if character in "\r\n" or category in {"Zl", "Zp"}:
            return "a line break"
        if category == "Cc":
            return f"the control character U+{ord(character):04X}"
        name = unicodedata.name(character, "")
        return f"the hidden character U+{ord(character):04X}" + (f" ({name})" if name else "")
    return None


def shown_safely(value: str) -> str:
    """`value` with every character `hidden_character` would refuse replaced by U+FFFD: for text the portal keeps but
    did not choose, such as an uploaded file's name, so that a bidirectional override cannot make `cert‮fdp.exe` show
    as `certexe.pdf` to the HR officer reading it."""
    return "".join("\ufffd" if unicodedata.category(c) in HIDDEN and c not in JOINERS else c for c in value)
