"""A write's body larger than the portal reads into memory (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB) is refused
with 413 too_large naming the limit, so the client knows how many rows to send: 10,000 roster rows, which the row
limit allows, are over it. Nothing is recorded, the key stays free, and the refusal is audited for the client."""

import json

from portal.api.models import IdempotentRequest
from portal.audit.models import AuditEvent
from portal.people.models import StaffMember

from .conftest import roster_row


def test_ten_thousand_full_roster_rows_are_refused_naming_the_limit_and_nothing_changes(api, org, settings):
    sam = org["people"]["sam"]
    person = roster_row(
        sam,
        assignment_number=f"{sam.employee_number}-2",
        job_title="Band 5 Staff Nurse",
        staff_group="Nursing and Midwifery Registered",
        first_name="Samantha-Louise",
        work_email="samantha-louise.person@example.nhs.uk",
    )
    body = json.dumps({"people": [person] * 10_000})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = api("post", "/api/v1/roster", "roster", body, key="whole-roster")
    assert response.status_code == 413, response.content
    problem = response.json()
    assert problem["code"] == "too_large" and problem["limit_bytes"] == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert f"The body is {len(body)} bytes" in problem["detail"]
    assert f"at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes" in problem["detail"]
    sam.refresh_from_db()
    assert sam.first_name == "Sam" and not StaffMember.objects.filter(first_name="Samantha-Louise").exists()
    assert not IdempotentRequest.objects.exists()
    refused = AuditEvent.objects.get(action=AuditEvent.REFUSED, detail__api_client=org["clients"]["roster"].pk)
    assert refused.detail["why"] == "too_large"
