"""A supervisor left blank in a staff list that has the column means the person has no line manager now, as ESR
shows someone whose supervisor's post is empty or who moved to a post with no supervisor: the line manager held is
cleared, and the dry run says so ("Line manager: Ben Best (1002) to none"). Before, a blank meant "no change", so the
portal kept the old line manager for ever and escalated overdue training to them. A file without any supervisor
column says nothing about line managers, and changes none."""

import pytest
from django.utils import timezone

from portal.compliance.escalation import TeamManagers
from portal.people.models import StaffChange, StaffMember, TeamManager
from tests import factories
from tests.people.roster_doors import esr_file, private_files, upload, upload_and_apply  # noqa: F401


@pytest.fixture
def ward(db):
    team = factories.make_team("Ward 7")
    ben = factories.make_staff(team=team, employee_number="1002", first_name="Ben", last_name="Best")
    ann = factories.make_staff(team=team, employee_number="1001", first_name="Ann", last_name="Able", line_manager=ben)
    return {"team": team, "ann": ann, "ben": ben}


def _line(staff, manager="", *, header_manager=True):
    cells = [staff.employee_number, staff.first_name, staff.last_name, staff.work_email, staff.team.code, "06/01/2020"]
    return ",".join([*cells, manager] if header_manager else cells)


def _file(header_manager: str | None, *lines) -> bytes:
    header = "Employee Number,First Name,Last Name,Work Email,Organisation Code,Start Date"
    header += f",{header_manager}" if header_manager else ""
    return ("\r\n".join([header, *lines]) + "\r\n").encode()


def _changes(plan) -> dict:
    return {staff.employee_number: lines for staff, lines in plan.other_changes}


@pytest.mark.parametrize("column", ["Supervisor Employee Number", "Line Manager Employee Number"])
def test_a_blank_supervisor_number_clears_the_line_manager(ward, column):
    data = _file(column, _line(ward["ann"]), _line(ward["ben"]))

    _, plan = upload(data)
    assert _changes(plan) == {"1001": ["Line manager: Ben Best (1002) to none"]}
    assert StaffMember.objects.get(pk=ward["ann"].pk).line_manager == ward["ben"]  # a dry run changes nothing

    TeamManager.objects.create(staff=ward["ben"], team=ward["team"])
    escalated = TeamManagers(timezone.localdate()).escalation(StaffMember.objects.get(pk=ward["ann"].pk))
    assert escalated.line_manager and escalated.managers == [ward["ben"]]  # overdue: Ben hears as her line manager

    upload_and_apply(data)
    ann = StaffMember.objects.get(pk=ward["ann"].pk)
    assert ann.line_manager is None
    assert StaffChange.objects.filter(staff=ann).latest("recorded_at", "pk").line_manager is None
    escalated = TeamManagers(timezone.localdate()).escalation(ann)
    assert not escalated.line_manager  # the team's managers hear, as for anyone with no line manager
    upload_and_apply(data)  # the same file again changes nothing
    assert _changes(upload(data)[1]) == {}


def test_a_blank_supervisor_assignment_as_esr_writes_it_clears_the_line_manager(ward):
    data = _file("Supervisor Assignment Number", _line(ward["ann"]), _line(ward["ben"]))

    assert _changes(upload(data)[1]) == {"1001": ["Line manager: Ben Best (1002) to none"]}
    upload_and_apply(data)

    assert StaffMember.objects.get(pk=ward["ann"].pk).line_manager is None


def test_a_supervisor_given_is_kept_or_changed_as_before(ward):
    cat = factories.make_staff(team=ward["team"], employee_number="1003", first_name="Cat", last_name="Cole")
    same, moved = _line(ward["ann"], "1002"), _line(cat, "1002")

    _, plan = upload(_file("Supervisor Employee Number", same, moved, _line(ward["ben"])))

    assert _changes(plan) == {"1003": ["Line manager: none to Ben Best (1002)"]}


def test_a_file_without_a_supervisor_column_keeps_every_line_manager(ward):
    data = _file(None, _line(ward["ann"], header_manager=False), _line(ward["ben"], header_manager=False))

    _, plan = upload(data)
    assert plan.can_apply and _changes(plan) == {}
    upload_and_apply(data)

    assert StaffMember.objects.get(pk=ward["ann"].pk).line_manager == ward["ben"]


def test_the_esr_shaped_file_through_the_command_clears_it_too(ward, tmp_path):
    from tests.people.roster_doors import command

    ben_row = f"1002,1002,Ben,Best,{ward['ben'].work_email},Officer,{ward['team'].code},,06/01/2020,31/12/4712"
    ann_row = f"1001,1001,Ann,Able,{ward['ann'].work_email},Officer,{ward['team'].code},,06/01/2020,31/12/4712"
    data = esr_file(ann_row, ben_row)  # ESR's headings: Organisation, no supervisor column

    out = command(data, tmp_path, "--apply")
    assert "Line manager" not in out
    assert StaffMember.objects.get(pk=ward["ann"].pk).line_manager == ward["ben"]

    with_supervisor = data.replace(b"Termination Date", b"Termination Date,Supervisor Assignment Number")
    out = command(with_supervisor, tmp_path, "--apply")
    assert StaffMember.objects.get(pk=ward["ann"].pk).line_manager is None, out
