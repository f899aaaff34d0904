"""How the API reads a request body: JSON as RFC 8259 writes it, and nothing Python's reader lets through besides. A
body naming a field twice is refused, not read as its last value: `{"dry_run": true, ..., "dry_run": false}` would
otherwise apply what the sender (or any proxy or log that reads the first value) took for a dry run. NaN and Infinity
are not JSON either. And a body is read as JSON only when it says it is one: a form or a text body is refused, not
guessed at."""

import json

from ninja.parser import Parser

from .problems import Problem


def _once(pairs: list[tuple[str, object]]) -> dict:
    found = {}
    for name, value in pairs:
        if name in found:
            raise Problem(
                "invalid_json", f"The body names the field {name!r} twice in one object: nothing was recorded."
            )
        found[name] = value
    return found


def _no_constant(name: str):
    raise Problem("invalid_json", f"The body holds {name}, which is not a JSON value: nothing was recorded.")


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


class StrictJson(Parser):
    def parse_body(self, request):
        if not _is_json(request.content_type or ""):
            sent = request.content_type or "none"
            raise Problem(
                "unsupported_media_type",
                f"Content-Type: send the body as application/json (this one was {sent[:100]}): nothing was recorded.",
                errors=[{"field": "Content-Type", "message": "Content-Type: must be application/json"}],
            )
        return json.loads(request.body, object_pairs_hook=_once, parse_constant=_no_constant)
