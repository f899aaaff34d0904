"""Values the roster's dry run must refuse, line by line, so that a file it says can be applied always applies:
values longer than the columns that store them, characters nobody can see, impossible start dates."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from portal.compliance.roster import roster_apply
from portal.people.models import StaffMember
from portal.people.roster import plan_roster
from tests.people.conftest import row

BAD = [
    ({"first": "A" * 151}, "First Name is longer than 150 characters"),
    ({"last": "B" * 151}, "Last Name is longer than 150 characters"),
    ({"number": "9" * 31}, "Employee Number is longer than 30 characters"),
    ({"assignment": "1001-" + "2" * 40}, "Assignment Number is longer than 40 characters"),
    ({"first": "Ann\u202eeoJ"}, "First Name contains the hidden character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ({"first": "Ann\u200b"}, "First Name contains the hidden character U+200B (ZERO WIDTH SPACE)"),
    ({"last": "Jo\x00nes"}, "Last Name contains the control character U+0000"),
    ({"last": "Jo\tnes"}, "Last Name contains the control character U+0009"),
    ({"last": "Jones\r\nSmith"}, "Last Name contains a line break"),
    ({"start": "31/12/9999"}, "Start Date 31/12/9999 is not between 01/01/1950 and"),
    ({"start": "01/01/0001"}, "Start Date 01/01/0001 is not between 01/01/1950 and"),
]


@pytest.mark.parametrize(("change", "message"), BAD, ids=[message[:40] for _, message in BAD])
def test_the_dry_run_names_the_line_and_the_value(roster_csv, teams, change, message):
    fields = {"number": "1001", "first": "Ann", "last": "Jones", **change}
    data = roster_csv(
        row("1002", "Sam", "Taylor", teams["comms"]),
        row(fields.pop("number"), fields.pop("first"), fields.pop("last"), teams["comms"], **fields),
    ).encode("utf-8")
    plan = plan_roster(data)
    assert [(n, message in reason) for n, reason in plan.rejected] == [(3, True)], plan.rejected
    assert not plan.can_apply
    with pytest.raises(ValueError, match="rejected rows"):
        roster_apply(plan)
    assert not StaffMember.objects.exists() and not get_user_model().objects.exists()


def test_names_in_any_script_with_their_joiners_are_kept(roster_csv, teams):
    """Zero-width joiners are part of how some names are spelt (Persian, Malayalam): they are not refused."""
    code = teams["comms"].code
    data = roster_csv(
        f'1001,1001,"می‌رضا",Mohammad,m.1001@example.nhs.uk,Officer,,{code},,01/04/2020,,',
        f'1002,1002,"Ó Briain",Zoë,z.1002@example.nhs.uk,Officer,,{code},,01/04/2020,,',
    )
    plan = plan_roster(data.encode())
    assert plan.can_apply, plan.rejected
    roster_apply(plan)
    assert StaffMember.objects.get(employee_number="1001").last_name == "می‌رضا"
    assert StaffMember.objects.get(employee_number="1002").full_name == "Zoë Ó Briain"


def test_the_longest_values_the_dry_run_accepts_apply(roster_csv, teams):
    data = roster_csv(
        row("9" * 30, "A" * 150, "B" * 150, teams["comms"], assignment="9" * 30),
        row("1002", "Sam", "Taylor", teams["comms"]),
    )
    plan = plan_roster(data.encode())
    assert plan.can_apply, plan.rejected
    roster_apply(plan)
    assert StaffMember.objects.get(employee_number="9" * 30).first_name == "A" * 150


# Mostly names as people write them (letters and marks of any script, spaces, hyphens, apostrophes), at every
# length around the column's; sometimes any character at all.
WRITTEN = st.characters(categories=["L", "M", "Zs", "Pd"], include_characters="'’.")
NAME = st.one_of(
    st.text(alphabet=WRITTEN, min_size=1, max_size=160),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters='",'), max_size=160),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=NAME, last=NAME, job=st.text(max_size=210), number=st.from_regex(r"[0-9A-Z-]{1,35}", fullmatch=True))
def test_whatever_the_dry_run_accepts_applies(roster_csv, teams, first, last, job, number):
    """Any names, job title and employee number: if the dry run says the file can be applied, applying it works and
    stores exactly what the dry run showed (on PostgreSQL too, which refuses NUL and overlong values)."""
    code = teams["comms"].code
    job_cell = job.replace('"', '""')
    data = roster_csv(
        f'{number},,"{first}","{last}",new.person@example.nhs.uk,"{job_cell}",,{code},,01/04/2020,,'
    ).encode()
    plan = plan_roster(data)
    event("applied" if plan.can_apply else "refused")
    if not plan.can_apply:
        assert plan.rejected or plan.problems
        return
    savepoint = transaction.savepoint()
    try:
        roster_apply(plan)
        person = StaffMember.objects.get(employee_number=plan.to_create[0].employee_number)
        assert (person.first_name, person.last_name, person.job_title) == (
            plan.to_create[0].fields["first_name"],
            plan.to_create[0].fields["last_name"],
            plan.to_create[0].fields["job_title"],
        )
    finally:
        transaction.savepoint_rollback(savepoint)
