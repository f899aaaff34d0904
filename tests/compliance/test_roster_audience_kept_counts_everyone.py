"""The roster's kept dry run says, for 'Who must do what', how many people in post a requirement applies to now and
once the file applies: everyone it applies to, not only those whose team, staff group or job title the file moves.
The counts kept with the dry run (4c5099b) held only the sets of facts whose number changes, so a requirement for a
staff group of 40 nurses, one of whom the file moves to another group, read '1 now, 0 once applied' and warned that
it would apply to no one."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.compliance.imports.roster_dry_run import roster_dry_run_kept
from portal.compliance.models import ImportBatch
from portal.compliance.roster_audiences import audiences_changed, roster_audiences
from portal.people.roster import plan_roster
from tests import factories
from tests.people.roster_doors import private_files  # noqa: F401

NURSING = "Nursing and Midwifery Registered"
HEADER = "Employee Number,First Name,Last Name,Work Email,Staff Group,Job Title,Organisation Code,Start Date"


@pytest.fixture
def ward(db):
    """Three nurses on a ward (two staff nurses and a sister), and a requirement for their staff group."""
    team = factories.make_team("Ward 9")
    people = [
        factories.make_staff(
            team=team,
            employee_number=number,
            first_name=first,
            last_name="Nurse",
            work_email=f"{first.lower()}@example.nhs.uk",
            staff_group=NURSING,
            job_title=title,
            start_date=datetime.date(2020, 4, 1),
        )
        for number, first, title in (
            ("3001", "Asha", "Staff Nurse"),
            ("3002", "Bea", "Staff Nurse"),
            ("3003", "Cy", "Sister"),
        )
    ]
    requirement = factories.make_requirement(
        name="Medicines management", applies_to_everyone=False, staff_groups=[NURSING]
    )
    return {"team": team, "people": people, "requirement": requirement}


def _sister_moved_to_admin(ward) -> bytes:
    """A file that moves only the sister out of nursing."""
    cy = ward["people"][2]
    cells = [cy.employee_number, "Cy", "Nurse", "cy@example.nhs.uk", "Administrative and Clerical", "Sister"]
    row = ",".join([*cells, ward["team"].code, "01/04/2020"])
    return f"{HEADER}\r\n{row}\r\n".encode()


def test_the_counts_kept_give_everyone_the_requirement_applies_to(ward):
    plan = plan_roster(_sister_moved_to_admin(ward))
    assert [(c.now, c.after) for c in roster_audiences(plan)] == [(3, 2)]

    kept = roster_dry_run_kept(plan, plan.fingerprint)
    changes = audiences_changed(kept["audience_counts"])
    assert [(c.requirement.name, c.now, c.after, c.to_no_one) for c in changes] == [
        ("Medicines management", 3, 2, False)
    ]


def test_the_page_says_how_many_it_applies_to_and_warns_of_no_one_only_when_so(hr_client, ward):
    response = hr_client.post(
        reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("r.csv", _sister_moved_to_admin(ward))}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")

    page = hr_client.get(reverse("imports:batch", args=[batch.pk])).content.decode()

    assert "Medicines management" in page
    assert 'numeric">3</td>' in page and 'numeric">2</td>' in page
    assert "would apply to no one" not in page and "No one" not in page
