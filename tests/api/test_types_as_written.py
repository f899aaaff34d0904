"""Every boolean and number the API takes is taken only as JSON writes it. pydantic read `"dry_run": "no"`, "off", "0"
and 0 as false, so a request whose sender meant something else was applied for real; it read "yes", 1 and 1.0 as
true, and `?after=1.0` or `/imports/1.0` as 1. Each is now refused with invalid_request (422, as every value that is
not valid is) naming the field and what was sent, audited as refused, and nothing is recorded."""

import pytest

from portal.api.models import IdempotentRequest
from portal.audit.models import AuditEvent
from portal.compliance.models import EvidenceEntry, ImportBatch

from .conftest import completion, roster_row


def _refused(response, field: str, words: str):
    assert response.status_code == 422, response.content
    problem = response.json()
    assert problem["code"] == "invalid_request", problem
    message = f"{field}: {words}"
    assert {"field": field, "message": message} in problem["errors"], problem["errors"]
    assert message in problem["detail"]
    return problem


def _nothing_recorded():
    assert not EvidenceEntry.objects.exists() and not ImportBatch.objects.exists()
    assert not IdempotentRequest.objects.exists()  # the key is free for the corrected request


TRUE_OR_FALSE = "must be true or false, written without quotes, not "
NOT_BOOLEANS = [
    ("no", 'the string "no"'),
    ("false", 'the string "false"'),
    ("off", 'the string "off"'),
    ("0", 'the string "0"'),
    ("yes", 'the string "yes"'),
    (0, "the number 0"),
    (1, "the number 1"),
    (1.0, "the number 1.0"),
    (None, "null"),
    ([], "a list"),
]


@pytest.mark.parametrize("field", ["dry_run", "strict"])
@pytest.mark.parametrize(("value", "named"), NOT_BOOLEANS)
def test_a_completions_boolean_that_is_not_true_or_false_is_refused_naming_it(api, org, field, value, named):
    body = {field: value, "completions": [completion(org["people"]["sam"])]}
    _refused(api("post", "/api/v1/completions", "completions", body, key="bool"), field, TRUE_OR_FALSE + named)
    _nothing_recorded()
    refused = AuditEvent.objects.get(action=AuditEvent.REFUSED, detail__api_client=org["clients"]["completions"].pk)
    assert refused.detail["why"] == "invalid_request"


@pytest.mark.parametrize(("value", "named"), NOT_BOOLEANS[:5])
def test_a_roster_dry_run_that_is_not_true_or_false_is_refused_naming_it(api, org, value, named):
    sam = org["people"]["sam"]
    body = {"dry_run": value, "people": [roster_row(sam, job_title="Changed")]}
    _refused(api("post", "/api/v1/roster", "roster", body, key="bool"), "dry_run", TRUE_OR_FALSE + named)
    _nothing_recorded()
    sam.refresh_from_db()
    assert sam.job_title != "Changed"


def test_json_true_and_false_are_still_read(api, org):
    sam = org["people"]["sam"]
    response = api("post", "/api/v1/completions", "completions", {"dry_run": True, "completions": [completion(sam)]})
    assert response.status_code == 400  # no key: the body itself was read
    body = {"dry_run": True, "strict": False, "completions": [completion(sam)]}
    assert api("post", "/api/v1/completions", "completions", body, key="dry").status_code == 200
    body = {"dry_run": False, "completions": [completion(sam)]}
    assert api("post", "/api/v1/completions", "completions", body, key="apply").status_code == 202
    assert EvidenceEntry.objects.filter(staff=sam).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("employee_number", 12345, "must be text, in quotes, not the number 12345"),
        ("employee_number", None, "must be text, in quotes, not null"),
        ("course", True, "must be text, in quotes, not true"),
        ("completed_on", None, "must be a date written YYYY-MM-DD, in quotes, not null"),
    ],
)
def test_a_row_value_of_the_wrong_type_is_refused_naming_it(api, org, field, value, words):
    body = {"completions": [completion(org["people"]["sam"], **{field: value})]}
    _refused(api("post", "/api/v1/completions", "completions", body, key="type"), f"completions[0].{field}", words)
    _nothing_recorded()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"completions": None}, "completions", "must be a list, in [ ], not null"),
        ({"completions": "[]"}, "completions", 'must be a list, in [ ], not the string "[]"'),
        ({"completions": ["E0012345"]}, "completions[0]", 'must be an object, in { }, not the string "E0012345"'),
    ],
)
def test_a_collection_of_the_wrong_type_is_refused_naming_it(api, org, body, field, words):
    _refused(api("post", "/api/v1/completions", "completions", body, key="type"), field, words)
    _nothing_recorded()


def test_a_roster_fingerprint_that_is_not_text_is_refused(api, org):
    body = {"confirm_identity_changes": None, "people": [roster_row(org["people"]["sam"])]}
    words = "must be text, in quotes, not null"
    _refused(api("post", "/api/v1/roster", "roster", body, key="type"), "confirm_identity_changes", words)


def test_an_expiry_may_still_be_null(api, org):
    body = {"dry_run": True, "completions": [completion(org["people"]["sam"], expires_on=None)]}
    assert api("post", "/api/v1/completions", "completions", body, key="null-expiry").status_code == 200


@pytest.mark.parametrize("value", ["1.0", "1e0", " 5", "+5", "-1", "0x1", "true", "", "٣"])
@pytest.mark.parametrize("name", ["after", "limit"])
def test_a_ledger_number_not_written_in_digits_is_refused_naming_it(api, org, name, value):
    response = api("get", "/api/v1/ledger/entries", "ledger", {name: value})
    shown = '"' + value + '"'
    _refused(response, name, f"write a whole number in digits, not the string {shown}")


def test_a_ledger_number_in_digits_is_read(api, org):
    response = api("get", "/api/v1/ledger/entries", "ledger", {"after": "0", "limit": "10"})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("written", ["1.0", "1e0", "+1", "0x1"])
def test_an_import_id_not_written_in_digits_is_refused_not_read_as_another(api, org, written):
    sam = org["people"]["sam"]
    response = api("post", "/api/v1/completions", "completions", {"completions": [completion(sam)]}, key="one")
    batch = response.json()["import"]["id"]
    assert api("get", f"/api/v1/imports/{batch}", "completions").status_code == 200
    path = written.replace("1", str(batch), 1)
    response = api("get", f"/api/v1/imports/{path}", "completions")
    _refused(response, "batch_id", f'write a whole number in digits, not the string "{path}"')
