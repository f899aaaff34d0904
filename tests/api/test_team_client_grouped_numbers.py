"""A number with thousands separators ("12,345,678") is read by the imports as 12345678 (Excel's "#,##0" format, kept by
a CSV: tests/people/test_import_grouped_numbers.py). The API's rows become such a file, so a team client's scope is
checked against the number as the import reads it: checked as sent, "12,345,678" would name no one and pass, and the
import would then change the outsider who holds 12345678."""

import pytest

from portal.compliance.models import EvidenceEntry, ImportBatch
from tests import factories

from .conftest import completion, roster_row


@pytest.fixture
def outsider(org):
    """Someone in Communications, outside the Finance client's team, whose number is all digits."""
    return factories.make_staff(team=org["teams"]["comms"], employee_number="12345678", first_name="Oli")


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_grouped_number_of_someone_outside_the_team_is_refused_and_they_are_left_alone(api, org, outsider, dry_run):
    email = outsider.work_email
    payroll = org["teams"]["payroll"]
    attack = {"employee_number": "12,345,678", "work_email": "attacker@example.nhs.uk", "team_code": payroll.code}
    row = roster_row(outsider, **attack)
    response = api("post", "/api/v1/roster", "finance", {"people": [row], "dry_run": dry_run}, key="grouped")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["people[0].employee_number"]
    outsider.refresh_from_db()
    assert (outsider.team, outsider.work_email) == (org["teams"]["comms"], email)
    assert not ImportBatch.objects.filter(kind=ImportBatch.ROSTER).exists()


@pytest.mark.parametrize("field", ["employee_number", "assignment_number"])
def test_a_grouped_number_of_someone_outside_the_team_gets_no_completion(api, org, outsider, field):
    outsider.assignments.update(number="12345678")
    row = {**completion(outsider, employee_number=""), field: "12,345,678"}
    response = api("post", "/api/v1/completions", "finance", {"completions": [row]}, key="grouped")
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["completions[0]"]
    assert not EvidenceEntry.objects.exists()


def test_a_grouped_number_is_recorded_as_the_import_reads_it(api, org):
    comms = org["teams"]["comms"]
    row = {
        "employee_number": "55,501,010",
        "first_name": "Robin",
        "last_name": "New",
        "work_email": "robin.new@example.nhs.uk",
        "start_date": "2024-01-08",
        "team_code": comms.code,
    }
    response = api("post", "/api/v1/roster", "roster", {"people": [row]}, key="grouped-new")
    assert response.status_code == 202, response.content
    assert list(comms.staff.values_list("employee_number", flat=True).filter(first_name="Robin")) == ["55501010"]
