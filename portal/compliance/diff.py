"""What changed between two policy versions, section by section. Pure functions over snapshot section lists."""

import difflib
import re
from dataclasses import dataclass

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


@dataclass(frozen=True)
class SectionChange:
    number: str
    kind: str
    old_heading: str = ""
    new_heading: str = ""
    old_text: str = ""
    new_text: str = ""

    @property
    def heading(self) -> str:
        return self.new_heading or self.old_heading


def _sort_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


def section_changes(old: list[dict], new: list[dict]) -> list[SectionChange]:
    """Sections added, changed (heading or text) or removed, in clause order."""
    before = {s["number"]: s for s in old}
    after = {s["number"]: s for s in new}
    changes = []
    for number in sorted(before.keys() | after.keys(), key=_sort_key):
        a, b = before.get(number), after.get(number)
        if a is None:
            changes.append(SectionChange(number, ADDED, new_heading=b["heading"], new_text=b["text"]))
        elif b is None:
            changes.append(SectionChange(number, REMOVED, old_heading=a["heading"], old_text=a["text"]))
        elif (a["heading"], a["text"]) != (b["heading"], b["text"]):
            changes.append(SectionChange(number, CHANGED, a["heading"], b["heading"], a["text"], b["text"]))
    return changes


def changed_clauses(old: list[dict], new: list[dict]) -> list[str]:
    return [change.number for change in section_changes(old, new)]


EQUAL, INSERT, DELETE = "equal", "insert", "delete"


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The two texts as runs of words kept, inserted or deleted ([(op, text)]), line breaks kept as words."""
    a, b = re.findall(r"\n|[^\s]+", old), re.findall(r"\n|[^\s]+", new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            runs.append((DELETE, _join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append((INSERT, _join(b[j1:j2])))
        if op == "equal":
            runs.append((EQUAL, _join(a[i1:i2])))
    return runs


def _join(words: list[str]) -> str:
    return " ".join(words).replace(" \n ", "\n").replace("\n ", "\n").replace(" \n", "\n")
