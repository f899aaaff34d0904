"""A write's body is JSON as RFC 8259 writes it. A field named twice in one object is refused, not read as its last
value (a body saying `"dry_run": true` and then `"dry_run": false` applied the import); NaN and Infinity, which
Python's reader takes, are refused as not JSON; and a body not sent as JSON (text, a form) is refused, not read as
JSON all the same. Each is a problem naming what is wrong, audited as refused, and
records nothing."""

import json

import pytest
from django.test import Client

from portal.api.models import IdempotentRequest
from portal.audit.models import AuditEvent
from portal.compliance.models import EvidenceEntry, ImportBatch

from .conftest import completion


def _row(org, **overrides) -> str:
    return json.dumps(completion(org["people"]["sam"], **overrides))


BODIES = {
    "dry_run twice": ('{{"dry_run": true, "completions": [{row}], "dry_run": false}}', "'dry_run' twice"),
    "a row's field twice": (
        '{{"completions": [{row_open}, "completed_on": "2020-01-01"}}]}}',
        "'completed_on' twice",
    ),
    "NaN": ('{{"strict": NaN, "completions": [{row}]}}', "NaN, which is not a JSON value"),
    "Infinity": ('{{"completions": [{row}], "dry_run": -Infinity}}', "-Infinity, which is not a JSON value"),
}


@pytest.mark.parametrize("label", BODIES)
def test_a_body_json_does_not_allow_is_refused_naming_why_and_records_nothing(api, org, label):
    template, words = BODIES[label]
    row = _row(org)
    body = template.format(row=row, row_open=row[:-1])
    response = api("post", "/api/v1/completions", "completions", body, key="strict-json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "invalid_json" and words in problem["detail"], problem
    assert "nothing was recorded" in problem["detail"]
    assert not EvidenceEntry.objects.exists() and not ImportBatch.objects.exists()
    assert not IdempotentRequest.objects.exists()  # the key is free for the corrected request
    refused = AuditEvent.objects.get(action=AuditEvent.REFUSED, detail__api_client=org["clients"]["completions"].pk)
    assert refused.detail["why"] == "invalid_json"


def test_the_same_name_in_two_objects_is_not_a_repeat(api, org):
    sam, kim = org["people"]["sam"], org["people"]["kim"]
    body = {"dry_run": True, "completions": [completion(sam), completion(kim)]}
    response = api("post", "/api/v1/completions", "completions", body, key="two-rows")
    assert response.status_code == 200, response.content
    assert response.json()["summary"]["to_record"] == 2


def test_a_roster_naming_a_field_twice_is_refused(api, org):
    sam = org["people"]["sam"]
    person = json.dumps({"employee_number": sam.employee_number, "first_name": "Sam"})[:-1]
    body = f'{{"people": [{person}, "first_name": "Samantha", "last_name": "Person"}}]}}'
    response = api("post", "/api/v1/roster", "roster", body, key="roster-twice")
    assert response.status_code == 400 and "'first_name' twice" in response.json()["detail"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_not_sent_as_json_is_refused_naming_the_content_type(org, content_type):
    body = json.dumps({"completions": [completion(org["people"]["sam"])]})
    headers = {"Authorization": f"Bearer {org['tokens']['completions']}", "Idempotency-Key": "as-text"}
    response = Client().post("/api/v1/completions", body, content_type=content_type, headers=headers)
    assert response.status_code == 415, response.content
    problem = response.json()
    assert problem["code"] == "unsupported_media_type" and content_type in problem["detail"]
    assert problem["errors"] == [{"field": "Content-Type", "message": "Content-Type: must be application/json"}]
    assert not ImportBatch.objects.exists() and not IdempotentRequest.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
def test_json_by_any_of_its_names_is_read(org, content_type):
    body = json.dumps({"dry_run": True, "completions": [completion(org["people"]["sam"])]})
    headers = {"Authorization": f"Bearer {org['tokens']['completions']}", "Idempotency-Key": "as-json"}
    response = Client().post("/api/v1/completions", body, content_type=content_type, headers=headers)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-be"])
def test_a_body_in_another_encoding_than_utf8_is_refused(org, encoding):
    """Before, Python's reader, handed the bytes, found UTF-16 or UTF-32 by the first bytes and recorded the body,
    which RFC 8259 does not allow and which a proxy or log reading UTF-8 does not see as the same request."""
    body = json.dumps({"completions": [completion(org["people"]["sam"])]}).encode(encoding)
    headers = {"Authorization": f"Bearer {org['tokens']['completions']}", "Idempotency-Key": f"in-{encoding}"}
    response = Client().post("/api/v1/completions", body, content_type="application/json", headers=headers)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_json" and "UTF-8" in response.json()["detail"]
    assert not ImportBatch.objects.exists() and not IdempotentRequest.objects.exists()
    assert not EvidenceEntry.objects.exists()
