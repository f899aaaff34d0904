"""Errors as RFC 9457 problem details (`application/problem+json`): a stable `code` a client can branch on, a `detail`
for the person reading the log, and `errors` naming each field (`completions[3].completed_on`) that is wrong."""

import json
import logging

from django.http import HttpResponse

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
# code -> (HTTP status, title). The codes are part of the API: clients branch on them, so they never change meaning.
CODES = {
    "not_authenticated": (401, "No token was sent"),
    "token_not_recognised": (401, "The token is not one the portal knows"),
    "token_revoked": (401, "The client has been revoked"),
    "token_holder_not_hr": (401, "The person given the client's token no longer signs in, has left or is not in HR"),
    "scope_missing": (403, "The client may not do this"),
    "not_found": (404, "There is no such record among the client's"),
    "method_not_allowed": (405, "This address does not take that method"),
    "invalid_json": (400, "The body is not JSON"),
    "invalid_request": (422, "Some values are not valid"),
    "rows_rejected": (422, "Some rows were rejected: nothing was recorded"),
    "identity_changes_unconfirmed": (422, "The roster changes who some people are: confirm them"),
    "idempotency_key_missing": (400, "The Idempotency-Key header is missing or not valid"),
    "idempotency_key_reused": (409, "The Idempotency-Key was used for another request"),
    "idempotency_key_in_use": (409, "A request with this Idempotency-Key is still being answered"),
    "import_refused": (409, "The import cannot be applied as asked"),
    "too_large": (413, "The request is too large"),
    "unsupported_media_type": (415, "The body is not sent as JSON"),
    "rate_limited": (429, "Too many requests"),
    "server_error": (500, "The portal could not answer"),
}


class Problem(Exception):
    """Raised anywhere in the API; answered as a problem document. `errors`: [{"field": ..., "message": ...}]."""

    def __init__(self, code: str, detail: str, *, errors: list[dict] | None = None, headers=None, **extra):
        super().__init__(detail)
        self.code, self.detail = code, detail
        self.status, self.title = CODES[code]
        self.errors, self.headers, self.extra = errors or [], headers or {}, extra

    def document(self, instance: str = "") -> dict:
        document = {
            "type": f"/api/v1/docs/#problem-{self.code}",
            "title": self.title,
            "status": self.status,
            "code": self.code,
            "detail": self.detail,
        }
        if instance:
            document["instance"] = instance
        if self.errors:
            document["errors"] = self.errors
        return {**document, **self.extra}


def problem_response(problem: Problem, request=None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(problem.document(request.path if request is not None else ""), ensure_ascii=False),
        status=problem.status,
        content_type=CONTENT_TYPE,
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def field_name(location) -> str:
    """pydantic's location ("body", "payload", "completions", 3, "completed_on") as the client wrote it:
    `completions[3].completed_on`; a header or query parameter by its own name."""
    parts = list(location)
    if parts and parts[0] in {"body", "query", "path", "header"}:
        where = parts.pop(0)
        if where == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


# A value of the wrong JSON type, in words that say what to send: pydantic's ("Input should be a valid boolean") say
# neither what was sent nor how to write the right one. The value sent is named after them.
WRONG_TYPE = {
    "bool_type": "must be true or false, written without quotes",
    "bool_parsing": "must be true or false, written without quotes",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "string_type": "must be text, in quotes",
    "date_type": "must be a date written YYYY-MM-DD, in quotes",
    "list_type": "must be a list, in [ ]",
    "model_type": "must be an object, in { }",
    "model_attributes_type": "must be an object, in { }",
    "dict_type": "must be an object, in { }",
}


def sent_value(value) -> str:
    """A value as the client sent it, in JSON's words: `null`, `the string "no"`, `the number 1`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = json.dumps(value[:30], ensure_ascii=False) + ("..." if len(value) > 30 else "")
        return f"the string {shown}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def validation_problem(errors: list[dict]) -> Problem:
    found = []
    for error in errors:
        field = field_name(error.get("loc", ()))
        if error.get("type") == "extra_forbidden":  # pydantic's words, "Extra inputs are not permitted", name no rule
            message = "there is no such field here: send only the fields the documentation lists"
        elif error.get("type") in WRONG_TYPE and "input" in error:
            message = f"{WRONG_TYPE[error['type']]}, not {sent_value(error['input'])}"
        else:
            message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        found.append({"field": field, "message": f"{field}: {message}"})
    shown = "; ".join(item["message"] for item in found[:5])
    more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
    return Problem("invalid_request", f"{shown}{more}", errors=found)
