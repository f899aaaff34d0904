"""Clause references: the stable way content points at a numbered policy section ("6.2")."""

import re

from django.core.exceptions import ValidationError

CLAUSE_RE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,3}$")


def clause_anchor(number: str) -> str:
    """The HTML id of a policy section, e.g. "6.2" -> "clause-6-2"."""
    return "clause-" + number.replace(".", "-")


def parse_clause_list(value: str) -> list[str]:
    """Split "6.2, 9" into ["6.2", "9"], dropping blanks and duplicates, keeping order."""
    seen: list[str] = []
    for part in re.split(r"[,;\s]+", value or ""):
        part = part.strip().rstrip(".")
        if part and part not in seen:
            seen.append(part)
    return seen


def validate_clause(value: str) -> None:
    if not CLAUSE_RE.match(value or ""):
        raise ValidationError(f"“{value}” is not a clause number. Use numbers like 6 or 6.2.")


def validate_clause_list(value: str) -> None:
    clauses = parse_clause_list(value)
    if not clauses:
        raise ValidationError("Name at least one policy clause, for example 6.2.")
    bad = [c for c in clauses if not CLAUSE_RE.match(c)]
    if bad:
        raise ValidationError(
            "These are not clause numbers: " + ", ".join(bad) + ". Use numbers like 6 or 6.2, separated by commas."
        )
