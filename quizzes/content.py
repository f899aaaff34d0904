"""A question's content as staff meet it, as one hash: what a review of the question is about."""

import hashlib
import json
from collections.abc import Iterable


def question_content_hash(*, kind: str, scenario: str, stem: str, choices: Iterable[tuple[str, str, bool]]) -> str:
    """SHA-256 of a question's kind, scenario, stem and choices (each its text, feedback and whether it is right).
    Spacing aside, as the CMS's form strips and a browser sends line breaks; the choices in any order, as attempts
    shuffle them. Its bank, clause and whether it is active are not its content."""

    def plain(text: str) -> str:
        return " ".join((text or "").split())

    content = {
        "kind": kind,
        "scenario": plain(scenario),
        "stem": plain(stem),
        "choices": sorted([plain(text), plain(feedback), bool(is_correct)] for text, feedback, is_correct in choices),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
