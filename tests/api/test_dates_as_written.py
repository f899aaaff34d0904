"""A write's dates are written YYYY-MM-DD. pydantic also read a number, or a string of digits, as seconds since 1970:
`"completed_on": 1735689600` recorded a completion on 1 January 2025, where a file's date cell holding it is refused,
and "20250101" was told it "should have zero time". Each is refused naming the field and how to write it, and nothing
is recorded; a date with spaces round it is read as the import reads a cell."""

import pytest

from portal.compliance.models import EvidenceEntry, ImportBatch

from .conftest import completion, roster_row


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (1735689600, "write the date as YYYY-MM-DD in quotes: a number is not a date here"),
        (1735689600.0, "write the date as YYYY-MM-DD in quotes: a number is not a date here"),
        ("1735689600", "write the date as YYYY-MM-DD, not '1735689600'"),
        ("20250101", "write the date as YYYY-MM-DD, not '20250101'"),
        ("2025-1-1", "write the date as YYYY-MM-DD, not '2025-1-1'"),
    ],
)
@pytest.mark.parametrize("field", ["completed_on", "expires_on"])
def test_a_completion_date_not_written_as_a_day_is_refused_by_name(api, org, value, words, field):
    row = completion(org["people"]["sam"], **{field: value})
    response = api("post", "/api/v1/completions", "completions", {"completions": [row]}, key=f"{field}-{value}")
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == [
        {"field": f"completions[0].{field}", "message": f"completions[0].{field}: {words}"}
    ]
    assert not EvidenceEntry.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.parametrize("field", ["start_date", "leave_date", "effective_date"])
def test_a_roster_date_given_as_a_number_is_refused_by_name(api, org, field):
    row = roster_row(org["people"]["sam"], **{field: 1735689600})
    response = api("post", "/api/v1/roster", "roster", {"people": [row]}, key=f"roster-{field}")
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == f"people[0].{field}"


def test_a_day_with_spaces_round_it_and_an_empty_expiry_are_read_as_a_file_reads_them(api, org):
    row = completion(org["people"]["sam"], completed_on=" 2026-01-05 ", expires_on="")
    response = api("post", "/api/v1/completions", "completions", {"dry_run": True, "completions": [row]}, key="pad")
    assert response.status_code == 200, response.content
