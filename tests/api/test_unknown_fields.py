"""A field a write does not take is refused by name, and nothing is recorded: ignored, it was a value the sender
believed recorded (a completion sent with "expiry_date" was kept with no expiry). The roster takes `effective_date`,
as a roster file takes its Effective Date column."""

import datetime

import pytest

from portal.compliance.models import EvidenceEntry, ImportBatch
from portal.people.models import StaffChange, StaffMember

from .conftest import completion, roster_row


@pytest.mark.parametrize(
    ("in_row", "in_body", "field"),
    [({"expiry_date": "2030-01-01"}, {}, "completions[0].expiry_date"), ({}, {"dryrun": True}, "dryrun")],
)
def test_a_completion_with_a_field_it_does_not_take_is_refused_by_name(api, org, in_row, in_body, field):
    row = completion(org["people"]["sam"])
    body = {"completions": [{**row, **in_row}], **in_body}
    response = api("post", "/api/v1/completions", "completions", body, key="unknown")
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"
    document = response.json()
    assert document["code"] == "invalid_request"
    assert [e["field"] for e in document["errors"]] == [field]
    assert field in document["detail"] and "no such field" in document["detail"]
    assert not EvidenceEntry.objects.exists() and not ImportBatch.objects.exists()
    # Nothing was kept under the key either: the request sent again without the field is recorded.
    again = api("post", "/api/v1/completions", "completions", {"completions": [row]}, key="unknown")
    assert again.status_code == 202, again.content


def test_a_roster_row_with_a_field_it_does_not_take_is_refused_by_name(api, org):
    sam = org["people"]["sam"]
    response = api(
        "post", "/api/v1/roster", "roster", {"people": [roster_row(sam, job_title="Lead", grade="7")]}, key="unknown"
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["people[0].grade"]
    sam.refresh_from_db()
    assert sam.job_title == "Officer"


def test_a_roster_change_takes_effect_on_its_effective_date(api, org):
    sam, finance = org["people"]["sam"], org["teams"]["finance"]
    moved_on = datetime.date.today() - datetime.timedelta(days=12)
    row = roster_row(sam, team_code=finance.code, effective_date=moved_on.isoformat())
    response = api("post", "/api/v1/roster", "roster", {"people": [row]}, key="moved")
    assert response.status_code == 202, response.content
    latest = StaffChange.objects.filter(staff=sam).latest("recorded_at", "pk")
    assert (latest.team_id, latest.effective_on) == (finance.pk, moved_on)


@pytest.mark.parametrize(
    ("days", "words"), [(-3, "is in the future"), (365 * 30, "is before the Start Date")], ids=["future", "before"]
)
def test_an_effective_date_the_file_would_refuse_is_refused(api, org, days, words):
    sam, finance = org["people"]["sam"], org["teams"]["finance"]
    row = roster_row(
        sam, team_code=finance.code, effective_date=(datetime.date.today() - datetime.timedelta(days=days)).isoformat()
    )
    response = api("post", "/api/v1/roster", "roster", {"people": [row], "dry_run": True}, key="bad-day")
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "people[0]" and words in error["message"]
    assert StaffMember.objects.get(pk=sam.pk).team == org["teams"]["comms"]
