"""The roster import records starters, moves and leavers at the dates the file gives, beside the moment it ran."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance.roster import roster_apply
from portal.people.models import StaffChange, StaffMember
from portal.people.roster import plan_roster
from tests import factories

HEADER = "Employee Number,First Name,Last Name,Work Email,Organisation,Hire Date,Termination Date"


@pytest.fixture
def wards(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    return [factories.make_team(f"Ward {name}", parent=organisation) for name in "AB"]


def _file(*rows, header=HEADER) -> bytes:
    return "\r\n".join([header, *rows]).encode()


def _apply(data: bytes):
    plan = plan_roster(data)
    assert plan.can_apply, (plan.rejected, plan.problems)
    roster_apply(plan)
    return plan


def test_a_starter_takes_effect_on_their_start_date_and_a_dated_move_on_its_date(wards):
    _apply(_file("E1,Ada,Lovelace,ada@example.nhs.uk,Ward A,01/04/2019,"))
    person = StaffMember.objects.get(employee_number="E1")
    [first] = StaffChange.objects.filter(staff=person)
    assert first.effective_on == datetime.date(2019, 4, 1)
    assert timezone.localtime(first.recorded_at).date() == timezone.localdate()

    header = HEADER + ",Effective Start Date"
    _apply(_file("E1,Ada,Lovelace,ada@example.nhs.uk,Ward B,01/04/2019,,15/06/2024", header=header))
    moved = StaffChange.objects.filter(staff=person).latest("recorded_at")
    assert moved.team == wards[1]
    assert moved.effective_on == datetime.date(2024, 6, 15)


def test_a_change_with_no_date_in_the_file_takes_effect_the_day_it_is_applied(wards):
    _apply(_file("E1,Ada,Lovelace,ada@example.nhs.uk,Ward A,01/04/2019,"))
    _apply(_file("E1,Ada,Lovelace,ada@example.nhs.uk,Ward B,01/04/2019,"))
    moved = StaffChange.objects.filter(staff__employee_number="E1").latest("recorded_at")
    assert moved.effective_on == timezone.localdate()


@pytest.mark.parametrize(
    ("effective", "message"),
    [
        ("01/01/2019", "Effective Date 01/01/2019 is before the Start Date 01/04/2019"),
        ("not a date", "Effective Date"),
        ("FUTURE", "is in the future: apply the change in a file on or after that day"),
    ],
)
def test_an_effective_date_that_cannot_be_is_named_and_nothing_changes(wards, effective, message):
    if effective == "FUTURE":
        effective = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")
    header = HEADER + ",Effective Date"
    plan = plan_roster(_file(f"E1,Ada,Lovelace,ada@example.nhs.uk,Ward A,01/04/2019,,{effective}", header=header))
    assert not plan.can_apply
    [(line, text)] = plan.rejected
    assert line == 2 and message in text
    assert not StaffMember.objects.exists()
