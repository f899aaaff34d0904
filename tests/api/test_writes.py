"""Writes: completions and roster changes through the file imports' own service, with an Idempotency-Key."""

import datetime

import pytest

from portal.audit.models import AuditEvent
from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffMember

from .conftest import COURSE, completion


def _send(api, org, rows, key="key-1", who="completions", **options):
    return api("post", "/api/v1/completions", who, {"completions": rows, **options}, key=key)


def test_completions_are_recorded_and_the_import_can_be_followed(api, org):
    sam, kim = org["people"]["sam"], org["people"]["kim"]
    response = _send(
        api,
        org,
        [
            completion(sam),
            completion(
                kim, days_ago=20, expires_on=str(datetime.date.today().replace(year=datetime.date.today().year + 1))
            ),
        ],
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["summary"]["to_record"] == 2 and body["import"]["status"] == "done"
    assert response["Location"] == body["import"]["status_url"]
    assert EvidenceEntry.objects.filter(source=EvidenceEntry.IMPORT).count() == 2
    status = api("get", body["import"]["status_url"], "completions").json()
    assert (status["status"], status["rows_done"], status["rows_total"]) == ("done", 2, 2)
    batch = ImportBatch.objects.get()
    assert batch.applied_via == org["clients"]["completions"].audit_name and batch.uploaded_by is None
    audit = AuditEvent.objects.filter(action=AuditEvent.IMPORT)
    assert audit.filter(actor_name=org["clients"]["completions"].audit_name, detail__batch=batch.pk).count() == 2


def test_a_dry_run_records_nothing_and_says_what_would_be(api, org):
    rows = [completion(org["people"]["sam"]), completion(org["people"]["kim"], course="Unmapped course")]
    response = _send(api, org, rows, dry_run=True)
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["summary"]["to_record"] == 1
    assert body["details"]["unmapped_courses"] == {"Unmapped course": 1}
    assert not EvidenceEntry.objects.exists()


def test_a_retry_with_the_same_key_records_nothing_twice_and_gets_the_first_answer(api, org):
    rows = [completion(org["people"]["sam"])]
    first = _send(api, org, rows, key="retry-me")
    again = _send(api, org, rows, key="retry-me")
    assert again.status_code == first.status_code == 202
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert EvidenceEntry.objects.count() == 1 and ImportBatch.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.IMPORT, detail__replayed=True).count() == 1


def test_the_same_key_with_another_body_is_refused(api, org):
    _send(api, org, [completion(org["people"]["sam"])], key="once")
    response = _send(api, org, [completion(org["people"]["kim"])], key="once")
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"
    assert EvidenceEntry.objects.count() == 1


def test_a_key_is_the_clients_own(api, org):
    """Another client's use of the same key is another request."""
    _send(api, org, [completion(org["people"]["fay"])], key="shared", who="finance")
    response = _send(api, org, [completion(org["people"]["sam"])], key="shared")
    assert response.status_code == 202 and EvidenceEntry.objects.count() == 2


@pytest.mark.parametrize("key", [None, "", "has space", "x" * 201, "naïve"])
def test_a_write_without_a_usable_key_is_refused(api, org, key):
    response = api(
        "post",
        "/api/v1/completions",
        "completions",
        {"completions": [completion(org["people"]["sam"])]},
        key=key,
        **({"Idempotency-Key": key} if key == "" else {}),
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not EvidenceEntry.objects.exists()


def test_a_rejected_row_rejects_the_request_naming_the_row_and_frees_the_key(api, org):
    sam = org["people"]["sam"]
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    rows = [completion(sam), completion(sam, completed_on=future)]
    response = _send(api, org, rows, key="fix-and-retry")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "rows_rejected"
    assert body["errors"][0]["field"] == "completions[1]" and "in the future" in body["errors"][0]["message"]
    assert not EvidenceEntry.objects.exists()
    refused = AuditEvent.objects.get(action=AuditEvent.REFUSED)
    assert refused.actor_name == org["clients"]["completions"].audit_name and refused.detail["why"] == "rows_rejected"
    assert _send(api, org, [rows[0]], key="fix-and-retry").status_code == 202  # nothing was kept under the key


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"course": COURSE, "completed_on": "2026-01-05"}, "completions[0]", "employee_number or assignment_number"),
        ({"employee_number": "E1", "course": "", "completed_on": "2026-01-05"}, "completions[0].course", "at least 1"),
        (
            {"employee_number": "E1", "course": COURSE, "completed_on": "05/01/2026x"},
            "completions[0].completed_on",
            "date",
        ),
        (
            {"employee_number": "E1\u202e", "course": COURSE, "completed_on": "2026-01-05"},
            "completions[0].employee_number",
            "U+202E",
        ),
        (
            {"employee_number": "E1", "course": "a\nb", "completed_on": "2026-01-05"},
            "completions[0].course",
            "line break",
        ),
    ],
)
def test_a_value_that_is_not_valid_is_named_by_its_field(api, org, row, field, words):
    response = _send(api, org, [row])
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["errors"][0]["field"] == field and words in body["errors"][0]["message"]


def test_strict_rejects_a_person_not_on_the_roster_and_otherwise_skips_them(api, org):
    rows = [completion(org["people"]["sam"]), {**completion(org["people"]["sam"]), "employee_number": "E7654321"}]
    skipped = _send(api, org, rows, key="lenient", dry_run=True).json()
    assert skipped["details"]["not_on_roster"] == [{"item": "completions[1]", "number": "E7654321"}]
    strict = _send(api, org, rows, key="strict", strict=True)
    assert strict.status_code == 422 and strict.json()["errors"][0]["field"] == "completions[1]"


def test_a_client_limited_to_a_team_writes_only_for_its_people(api, org):
    rows = [
        completion(org["people"]["fay"]),
        completion(org["people"]["sam"]),
        {**completion(org["people"]["fay"]), "employee_number": "E0"},
    ]
    response = _send(api, org, rows, who="finance")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["completions[1]", "completions[2]"]
    outside, unknown = (e["message"].split(": ", 1)[1] for e in errors)
    assert outside.replace(org["people"]["sam"].employee_number, "E0") == unknown  # the same words: nothing leaks
    assert not EvidenceEntry.objects.exists()


def test_an_import_of_another_client_or_kind_is_not_found(api, org):
    batch = _send(api, org, [completion(org["people"]["sam"])]).json()["import"]
    assert api("get", batch["status_url"], "finance").status_code == 404
    assert api("get", batch["status_url"], "roster").status_code == 404
    assert api("get", batch["status_url"], "standing").status_code == 403


def _person(number="E5550001", **overrides):
    person = {
        "employee_number": number,
        "first_name": "Robin",
        "last_name": "New",
        "work_email": f"robin.{number.lower()}@example.nhs.uk",
        "start_date": "2024-01-08",
        "team_code": "",
        "job_title": "Officer",
    }
    person.update(overrides)
    return person


def test_roster_changes_create_and_change_people_all_or_nothing(api, org):
    comms = org["teams"]["comms"].code
    sam = org["people"]["sam"]
    people = [
        _person(team_code=comms),
        _person(
            sam.employee_number,
            first_name="Sam",
            last_name="Person",
            work_email=sam.work_email,
            team_code=comms,
            job_title="Lead",
        ),
    ]
    dry = api("post", "/api/v1/roster", "roster", {"people": people, "dry_run": True}, key="r-dry").json()
    assert dry["details"]["to_create"] == ["E5550001"]
    assert dry["details"]["changes"][0]["employee_number"] == sam.employee_number
    response = api("post", "/api/v1/roster", "roster", {"people": people}, key="r-1")
    assert response.status_code == 202 and response.json()["import"]["status"] == "done"
    assert StaffMember.objects.get(employee_number="E5550001").team == org["teams"]["comms"]
    sam.refresh_from_db()
    assert sam.job_title == "Lead"
    bad = api(
        "post",
        "/api/v1/roster",
        "roster",
        {"people": [_person("E5550002", team_code=comms), _person("E5550003", team_code="NOPE")]},
        key="r-2",
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "people[1]"
    assert not StaffMember.objects.filter(employee_number="E5550002").exists()


def test_a_change_to_who_someone_is_needs_the_dry_runs_fingerprint(api, org):
    sam, comms = org["people"]["sam"], org["teams"]["comms"].code
    people = [
        _person(
            sam.employee_number,
            first_name="Samira",
            last_name="Other",
            work_email="samira@example.nhs.uk",
            team_code=comms,
        )
    ]
    refused = api("post", "/api/v1/roster", "roster", {"people": people}, key="id-1")
    assert refused.status_code == 422 and refused.json()["code"] == "identity_changes_unconfirmed"
    fingerprint = refused.json()["identity_fingerprint"]
    sam.refresh_from_db()
    assert sam.first_name == "Sam"
    confirmed = api(
        "post", "/api/v1/roster", "roster", {"people": people, "confirm_identity_changes": fingerprint}, key="id-2"
    )
    assert confirmed.status_code == 202, confirmed.content
    sam.refresh_from_db()
    assert sam.first_name == "Samira"


def test_a_client_limited_to_a_team_places_people_only_in_its_teams(api, org):
    comms, payroll = org["teams"]["comms"].code, org["teams"]["payroll"].code
    sam = org["people"]["sam"]
    people = [
        _person(team_code=payroll),
        _person("E5550009", team_code=comms),
        _person(
            sam.employee_number, first_name="Sam", last_name="Person", work_email=sam.work_email, team_code=payroll
        ),
    ]
    response = api("post", "/api/v1/roster", "finance", {"people": people}, key="f-1")
    assert response.status_code == 422
    fields = ["people[0].employee_number", "people[1].team_code", "people[2].employee_number"]
    assert [e["field"] for e in response.json()["errors"]] == fields
    assert not StaffMember.objects.filter(employee_number="E5550001").exists()
    sam.refresh_from_db()
    assert sam.team == org["teams"]["comms"]


def test_hr_sees_an_import_the_api_made_on_the_imports_pages(api, org):
    from django.test import Client

    from tests import factories

    batch = _send(api, org, [completion(org["people"]["sam"])], key="seen-by-hr").json()["import"]
    hr = factories.sign_in(Client(), org["people"]["hr"].user)
    index = hr.get("/hr/imports/")
    assert index.status_code == 200 and "API completions system seen-by-hr" in index.content.decode()
    page = hr.get(f"/hr/imports/{batch['id']}/")
    assert page.status_code == 200 and "1 completions recorded" in page.content.decode()
