"""Hostile input to every endpoint, with a token that opens it: no answer is a server error, every refusal is a
problem document, and nothing is recorded by a request that was refused (tests/test_hostile_input.py walks the API
without a token, as it walks every page)."""

import json

import pytest
from django.test import Client

from portal.compliance.models import EvidenceEntry, ImportBatch
from tests.test_hostile_input import HOSTILE, NOT_UTF8

from .conftest import completion

READS = {
    "/api/v1/people/{sam}/standing": ("standing", ("as_at",)),
    "/api/v1/teams/{comms}/standing": ("standing", ("as_at",)),
    "/api/v1/organisation/figures": ("standing", ("team", "as_at")),
    "/api/v1/ledger/entries": ("ledger", ("after", "limit")),
    "/api/v1/imports/{batch}": ("completions", ()),
}
HOSTILE_JSON = [*HOSTILE.values(), None, 0, -1, 10**30, 1.5, True, [], {}, ["x"], {"$ref": "x"}]


class Calls:
    def __init__(self, org):
        self.org, self.errors, self.client = org, [], Client(raise_request_exception=False)

    def send(self, method, path, who, what, **kwargs):
        headers = {"Authorization": f"Bearer {self.org['tokens'][who]}", **kwargs.pop("headers", {})}
        response = getattr(self.client, method)(path, headers=headers, **kwargs)
        if response.status_code >= 500:
            self.errors.append(f"{response.status_code} {method.upper()} {path[:80]!r} {what}")
        elif response.status_code >= 400 and response["Content-Type"] != "application/problem+json":
            self.errors.append(f"{response.status_code} not a problem document: {path[:80]!r} {what}")
        return response

    def post(self, path, who, body, what, key):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.send(
            "post", path, who, what, data=data, content_type="application/json", headers={"Idempotency-Key": key}
        )


@pytest.fixture
def calls(org):
    return Calls(org)


def _paths(org, batch):
    args = {"sam": org["people"]["sam"].employee_number, "comms": org["teams"]["comms"].code, "batch": batch}
    return {path.format(**args): spec for path, spec in READS.items()}


def test_no_hostile_query_or_path_gets_a_server_error(api, org, calls):
    batch = api(
        "post", "/api/v1/completions", "completions", {"completions": [completion(org["people"]["sam"])]}, key="b"
    ).json()["import"]["id"]
    for path, (who, query) in _paths(org, batch).items():
        for label, value in HOSTILE.items():
            calls.send("get", path, who, label, data=dict.fromkeys(query, value))
            calls.send("get", path.rsplit("/", 2)[0] + "/" + value[:300] + "/standing", who, f"path {label}")
        calls.send("get", f"{path}?{'&'.join(f'{q}={NOT_UTF8}' for q in query)}", who, "not UTF-8")
    assert calls.errors == []


COMPLETION_FIELDS = ("employee_number", "assignment_number", "course", "completed_on", "expires_on")
PERSON_FIELDS = (
    "employee_number",
    "first_name",
    "last_name",
    "work_email",
    "start_date",
    "leave_date",
    "team_code",
    "team_name",
    "manager_employee_number",
    "employment_type",
)


def test_no_hostile_body_gets_a_server_error_and_a_refused_one_records_nothing(org, calls):
    sam, comms = org["people"]["sam"], org["teams"]["comms"].code
    good_person = {
        "employee_number": "H1",
        "first_name": "Robin",
        "last_name": "Hostile",
        "work_email": "robin.h1@example.nhs.uk",
        "start_date": "2024-01-08",
        "team_code": comms,
    }
    writes = {
        "/api/v1/completions": ("completions", "completions", completion(sam), COMPLETION_FIELDS),
        "/api/v1/roster": ("roster", "people", good_person, PERSON_FIELDS),
    }
    n = 0
    for path, (who, collection, good, fields) in writes.items():
        for field in fields:
            for value in HOSTILE_JSON:
                n += 1
                before = EvidenceEntry.objects.count(), ImportBatch.objects.filter(status="done").count()
                response = calls.post(
                    path,
                    who,
                    {collection: [{**good, field: value}], "dry_run": False},
                    f"{field}={value!r:.30}",
                    key=f"k{n}",
                )
                if response.status_code >= 400:
                    after = EvidenceEntry.objects.count(), ImportBatch.objects.filter(status="done").count()
                    assert after == before, f"{path} {field}={value!r:.30} was refused but recorded something"
        for label, body in {
            "not JSON": b"{",
            "not UTF-8": b"\xff\xfe{}",
            "a list": [],
            "a string": '"x"',
            "null": "null",
            "no rows": {collection: []},
            "rows not a list": {collection: "x"},
            "a row not an object": {collection: [1]},
            "deep": "[" * 5000 + "]" * 5000,
            "10,001 rows": {collection: [good] * 10_001},
            "hostile flags": {
                collection: [good],
                "dry_run": "\x00",
                "strict": [],
                "confirm_identity_changes": "x" * 99,
            },
            "NUL fingerprint": {collection: [good], "confirm_identity_changes": "\x00"},
        }.items():
            n += 1
            calls.post(path, who, body, label, key=f"k{n}")
    assert calls.errors == []
