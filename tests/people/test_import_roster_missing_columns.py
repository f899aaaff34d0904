"""A roster without an optional column (a Staff in Post report run with fewer columns: no Termination Date, Position
Title, Staff Group or Assignment Category) says nothing about it, so it leaves what the portal holds as it is. It used
to read the missing column as blank for everyone: every job title and staff group emptied, agency and bank staff made
substantive, and a leaver's leave date cleared, their account opened again and an invitation sent to them."""

import datetime

import pytest

from portal.compliance.imports.services import import_batch_apply, import_batch_create
from portal.people.models import StaffMember
from tests import factories
from tests.people.roster_doors import command, private_files

__all__ = ["private_files"]  # the fixture roster_doors gives every roster test

LEFT = datetime.date(2025, 6, 30)


@pytest.fixture
def team(db):
    return factories.make_team("Ward 7", kind="team")


@pytest.fixture
def nurse(team):
    """An agency nurse who left last year: her account is closed."""
    user = factories.make_user(email="ana@example.nhs.uk", first_name="Ana", last_name="Silva", is_active=False)
    return factories.make_staff(
        user=user,
        employee_number="30001",
        team=team,
        job_title="Staff Nurse",
        staff_group="Nursing and Midwifery Registered",
        employment_type=StaffMember.AGENCY,
        leave_date=LEFT,
        start_date=datetime.date(2021, 5, 4),
    )


def roster(team, *rows) -> bytes:
    header = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date"
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def held(staff) -> tuple:
    staff.refresh_from_db()
    staff.user.refresh_from_db()
    return (staff.job_title, staff.staff_group, staff.employment_type, staff.leave_date, staff.user.is_active)


def test_a_roster_without_optional_columns_leaves_what_they_hold(nurse, team, tmp_path):
    before = held(nurse)
    data = roster(
        team,
        f"30001,Ana,Silva,ana@example.nhs.uk,{team.code},04/05/2021",
        f"30002,Ben,Cole,ben@example.nhs.uk,{team.code},01/09/2025",
    )
    said = command(data, tmp_path)
    assert "created: 1" in said and "changed: 0" in said, said
    batch, plan = import_batch_create(kind="roster", data=data, filename="sip.csv", user=None)
    assert plan.can_apply and plan.to_change == [] and plan.returners == []
    import_batch_apply(batch=batch, user=None, background=False)
    batch.refresh_from_db()
    assert held(nurse) == before
    ben = StaffMember.objects.get(employee_number="30002")
    assert batch.summary["emails"]["invitations_unsent"] == [ben.pk]  # Ben's invitation, and not one for Ana
    assert (ben.job_title, ben.staff_group, ben.employment_type, ben.leave_date) == ("", "", "substantive", None)


def test_a_column_that_is_there_but_blank_still_says_blank(nurse, team):
    """Present and empty is what the file says: no leave date (she is back), no job title."""
    header = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Hire Date,Termination Date,Job Title"
    data = f"{header}\r\n30001,Ana,Silva,ana@example.nhs.uk,{team.code},04/05/2021,,\r\n".encode()
    _, plan = import_batch_create(kind="roster", data=data, filename="sip.csv", user=None)
    [(_, _, diffs)] = plan.to_change
    assert diffs == {"job_title": ("Staff Nurse", ""), "leave_date": (LEFT, None)}
    assert plan.returners == [nurse]
