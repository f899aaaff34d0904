"""The API's readable page: its endpoints, their parameters and fields, the scopes they need and the problem codes,
rendered on the server from the OpenAPI document itself, so it cannot drift from it. No script, nothing from another
host: the portal's own NHS.UK page."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import ApiClient
from .problems import CODES

METHODS = ("get", "post", "put", "patch", "delete")


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref")
    return components.get(ref.rsplit("/", 1)[-1], {}) if ref else schema


def _type(schema: dict, components: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(option, components) for option in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}), components)}"
    return schema.get("format") or schema.get("type", "object")


def _fields(schema: dict, components: dict) -> list[dict]:
    schema = _resolve(schema, components)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type(spec, components),
            "required": name in required,
            "description": spec.get("description", ""),
        }
        for name, spec in schema.get("properties", {}).items()
    ]


def _nested(schema: dict, components: dict, seen: set) -> list[dict]:
    """The schemas a body refers to (the rows of a list), each once, with their fields."""
    found = []
    for spec in _resolve(schema, components).get("properties", {}).values():
        for ref in [spec.get("$ref"), spec.get("items", {}).get("$ref")]:
            name = ref.rsplit("/", 1)[-1] if ref else None
            if name and name not in seen:
                seen.add(name)
                found.append({"name": name, "fields": _fields({"$ref": ref}, components)})
                found.extend(_nested({"$ref": ref}, components, seen))
    return found


def endpoints(document: dict) -> list[dict]:
    components = document.get("components", {}).get("schemas", {})
    found = []
    for address, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            found.append(
                {
                    "id": operation.get("operationId", f"{method}-{address}"),
                    "method": method.upper(),
                    "path": address,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "scope": operation.get("x-scope", ""),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "type": _type(p.get("schema", {}), components),
                            "description": p.get("description", "") or p.get("schema", {}).get("description", ""),
                        }
                        for p in operation.get("parameters", [])
                    ],
                    "body": _fields(body, components) if body else [],
                    "rows": _nested(body, components, set()) if body else [],
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return found


@login_not_required
@require_GET
def docs_page(request):
    from .api import api

    document = api.get_openapi_schema()
    context = {
        "document": document,
        "endpoints": endpoints(document),
        "scopes": ApiClient.SCOPE_CHOICES,
        "codes": [(code, status, title) for code, (status, title) in CODES.items()],
    }
    return render(request, "api/docs.html", context)
