"""How the API reads a request body: JSON as RFC 8259 writes it, and nothing Python's reader lets through besides. A
body naming a field twice is refused, not read as its last value: `{"dry_run": true, ..., "dry_run": false}` would
otherwise apply what the sender (or any proxy or log that reads the first value) took for a dry run. NaN and Infinity
are not JSON either."""

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


class StrictJson(Parser):
    def parse_body(self, request):
        return json.loads(request.body, object_pairs_hook=_once, parse_constant=_no_constant)
