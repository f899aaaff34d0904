"""The public check of a certificate runs the same queries whatever the certificate: one issued once, or one of
several issued for the same completion (after the training was renamed and its renewal period changed), and one
withdrawn since; and it tells whoever holds the code nothing of the others: not their codes, not the person's name
now, not HR's reason for the withdrawal."""

import datetime
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.compliance.services import evidence_void, requirement_save
from portal.reports.certificates import verification_code_for
from tests import factories

COMPLETED = timezone.make_aware(datetime.datetime(2026, 3, 2, 10, 0))


def _checked(client, code) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:verify", args=[code]))
    assert response.status_code == 200
    return len(queries), " ".join(response.content.decode().split())


def test_the_check_costs_the_same_and_shows_only_its_own_certificate(client, db, tmp_path):
    team = factories.make_team("Wards")
    course = factories.make_requirement(name="Safeguarding Adults Level 1", renewal_months=36)
    plain = verification_code_for(factories.make_completion(factories.make_staff(team=team), course, COMPLETED)).code
    staff = factories.make_staff(team=team, first_name="Priya", last_name="Shah", employee_number="5001")
    entry = factories.make_completion(staff, course, COMPLETED)
    first = verification_code_for(entry).code
    course.renewal_months, course.name = 12, "Safeguarding Adults (Level 1)"
    requirement_save(requirement=course, user=factories.make_user())
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Employee Number,First Name,Last Name,Work Email,Org Code,Start Date\r\n"
        f"5001,Priya,Shah-Jones,{staff.work_email},{team.code},06/01/2020\r\n"
    )
    call_command("import_roster", str(roster), "--apply", stdout=StringIO())
    staff.refresh_from_db()
    entry.refresh_from_db()
    second = verification_code_for(entry).code
    assert second != first
    evidence_void(entry=entry, reason="Signed by the wrong trainer", voided_by=factories.make_user())

    counted, page = _checked(client, plain)
    assert "This certificate is genuine" in page
    assert counted == 2, counted  # the code with its entry, person, training and policy version; whether withdrawn
    counted_withdrawn, withdrawn = _checked(client, first)
    assert counted_withdrawn == counted
    assert "This certificate has been withdrawn" in withdrawn and "Priya Shah" in withdrawn
    for elsewhere in ["Shah-Jones", "wrong trainer", second, staff.employee_number, plain]:
        assert elsewhere not in withdrawn
