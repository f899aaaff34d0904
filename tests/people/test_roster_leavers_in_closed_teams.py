"""A ward closed in June still holds the people who left it in March. A roster without a leave-date column says
nothing about anyone's leave date, so the closed-team check reads the one the portal holds: it used to read none, and
refused such a leaver ("place the person in an open team"), which stopped the whole file. A file with the column is
checked by the date it gives, an empty cell included (the file says no leave date)."""

import datetime

import pytest
from django.utils import timezone

from portal.lib.csvfiles import show_date
from portal.people.models import StaffMember
from tests import factories
from tests.people.roster_doors import command, everything, refused_everywhere, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


def _left():
    # March, say
    return timezone.localdate() - datetime.timedelta(days=270)


def _closed():
    # June
    return timezone.localdate() - datetime.timedelta(days=160)


NO_LEAVE_COLUMN = "Employee Number,First Name,Last Name,Work Email,Position Title,Organisation Code,Hire Date"
LEAVE_COLUMN = NO_LEAVE_COLUMN + ",Termination Date"


def roster(header: str, *rows: str) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


@pytest.fixture
def ward(teams):
    ward = factories.make_team("Ward 7", parent=teams["org"])
    ward.closed_on = _closed()
    ward.save()
    return ward


def make_person(ward, number: str, leave_date):
    user = factories.make_user(email=f"p{number}@example.nhs.uk", is_active=leave_date is None)
    return factories.make_staff(
        user=user,
        employee_number=number,
        first_name="Ana",
        last_name="Silva",
        team=ward,
        job_title="Staff Nurse",
        leave_date=leave_date,
        start_date=datetime.date(2021, 5, 4),
    )


def row(person, ward, title="Staff Nurse") -> str:
    return f"{person.employee_number},Ana,Silva,{person.work_email},{title},{ward.code},04/05/2021"


def test_a_leaver_from_a_team_closed_after_they_left_is_kept_without_a_leave_column(ward, tmp_path):
    ana = make_person(ward, "30001", _left())
    data = roster(NO_LEAVE_COLUMN, row(ana, ward, title="Senior Staff Nurse"))

    _, plan = upload(data)
    assert plan.can_apply, plan.errors
    assert [plan.describe(diffs) for _, _, diffs in plan.to_change] == [
        ["Job title: Staff Nurse to Senior Staff Nurse"]
    ]
    assert plan.leavers == [] and plan.returners == []
    assert "changed: 1" in command(data, tmp_path)
    upload_and_apply(data)

    ana.refresh_from_db()
    ana.user.refresh_from_db()
    assert (ana.team, ana.leave_date, ana.job_title, ana.user.is_active) == (ward, _left(), "Senior Staff Nurse", False)


def test_the_files_own_leave_date_is_checked_when_it_has_the_column(ward, tmp_path):
    ana = make_person(ward, "30001", _left())
    _, plan = upload(roster(LEAVE_COLUMN, f"{row(ana, ward)},{show_date(_left())}"))
    assert plan.can_apply and plan.to_change == [], plan.errors

    after = _closed() + datetime.timedelta(days=1)
    message = f"Line 2: Team '{ward.code}' closed on {show_date(_closed())}: place the person in an open team"
    for cell in (show_date(after), "", "31/12/4712"):  # left after it closed, or no leave date (she is back)
        refused_everywhere(roster(LEAVE_COLUMN, f"{row(ana, ward)},{cell}"), tmp_path, message)


@pytest.mark.parametrize(
    "leave_date",
    [None, "the day after the closing"],  # read in the test, not when the file is imported
    ids=["in post", "left after the team closed"],
)
def test_someone_the_portal_holds_in_post_after_the_closing_is_still_refused(ward, tmp_path, leave_date):
    leave_date = leave_date and _closed() + datetime.timedelta(days=1)
    ana = make_person(ward, "30001", leave_date)
    refused_everywhere(
        roster(NO_LEAVE_COLUMN, row(ana, ward)),
        tmp_path,
        f"Line 2: Team '{ward.code}' closed on {show_date(_closed())}: place the person in an open team",
    )


def test_a_new_person_has_no_leave_date_to_go_by(ward, tmp_path):
    refused_everywhere(
        roster(NO_LEAVE_COLUMN, f"30009,Ben,Cole,ben@example.nhs.uk,Porter,{ward.code},01/09/2025"),
        tmp_path,
        f"Line 2: Team '{ward.code}' closed on {show_date(_closed())}: place the person in an open team",
    )
    assert not StaffMember.objects.filter(employee_number="30009").exists()


def test_a_name_the_closed_team_shares_is_read_with_the_leave_date_held(ward, teams, tmp_path):
    """The new Ward 7 opened after she left: without the column, her held leave date makes the name as doubtful as
    with it (either ward could be hers), where before she was moved into the new ward she never worked on."""
    new_ward = factories.make_team("Ward 7", parent=teams["comms"])
    ana = make_person(ward, "30001", _left())
    before = everything()
    header = NO_LEAVE_COLUMN.replace("Organisation Code", "Organisation")
    _, plan = upload(roster(header, f"30001,Ana,Silva,{ana.work_email},Staff Nurse,Ward 7,04/05/2021"))
    assert plan.errors == [
        (
            2,
            "More than one team is called 'Ward 7' (Communications and Engagement › Ward 7, NHS Example CCG › "
            "Ward 7): give the Organisation Code",
        )
    ]
    assert everything() == before

    bob = make_person(new_ward, "30002", None)  # in post: only the open ward can be his
    upload_and_apply(roster(header, f"30002,Ana,Silva,{bob.work_email},Porter,Ward 7,04/05/2021"))
    bob.refresh_from_db()
    assert (bob.team, bob.job_title) == (new_ward, "Porter")
