"""How the API reads a request body: JSON as RFC 8259 writes it, and nothing Python's reader lets through besides. A
body naming a field twice is refused, not read as its last value: `{"dry_run": true, ..., "dry_run": false}` would
otherwise apply what the sender (or any proxy or log that reads the first value) took for a dry run. NaN and Infinity
are not JSON either, nor is a body in UTF-16 or UTF-32. And a body is read as JSON only when it says it is one: a
form or a text body is refused, not guessed at."""

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
        # Read as UTF-8 only: handed bytes, Python's reader would also take UTF-16 and UTF-32 (found by their first
        # bytes), which RFC 8259 does not, and which a proxy or log reading UTF-8 would not see as the same body.
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise Problem(
                "invalid_json",
                f"The body is not UTF-8 (byte {error.start} is not): send JSON in UTF-8. Nothing was recorded.",
            ) from error
        return json.loads(text, object_pairs_hook=_once, parse_constant=_no_constant)
