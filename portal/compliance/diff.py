"""What changed between two policy versions, section by section. Pure functions over snapshot section lists."""

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
