"""The roster's dry run says which requirements a file changes the number of people in post for, and warns when one
would apply to no one: requirements apply by staff group, team and job title, which come from the roster, so a file
whose staff groups are spelt differently from last time took everyone out of a requirement with nothing said (their
status rows went, and the reports showed it met by nobody)."""

import datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import ImportBatch
from portal.compliance.roster_audiences import roster_audiences
from portal.people.models import StaffMember
from portal.people.roles import hr_group
from portal.people.roster import plan_roster
from tests import factories
from tests.people.conftest import row

NURSING = "Nursing and Midwifery Registered"


@pytest.fixture
def nurses(teams):
    return [
        factories.make_staff(
            team=teams["comms"],
            employee_number=number,
            first_name=first,
            last_name="Nurse",
            staff_group=NURSING,
            work_email=f"{first.lower()}.{number}@example.nhs.uk",
        )
        for number, first in (("2001", "Asha"), ("2002", "Bea"))
    ]


@pytest.fixture
def requirements(teams):
    return {
        "nursing": factories.make_requirement(
            name="Medicines management", applies_to_everyone=False, staff_groups=[NURSING]
        ),
        "everyone": factories.make_requirement(name="Fire safety"),
    }


def nurse_row(staff, teams, group=NURSING, **kwargs):
    line = row(staff.employee_number, staff.first_name, staff.last_name, teams["comms"], **kwargs)
    return line.replace("Administrative and Clerical", group)


def test_a_staff_group_spelt_differently_would_leave_a_requirement_to_no_one(roster_csv, teams, nurses, requirements):
    data = roster_csv(*(nurse_row(n, teams, group="Nursing & Midwifery Registered") for n in nurses))
    plan = plan_roster(data.encode())
    assert plan.can_apply
    (change,) = roster_audiences(plan)
    assert (change.requirement.name, change.now, change.after, change.to_no_one) == ("Medicines management", 2, 0, True)


def test_a_file_that_changes_no_ones_audience_lists_nothing(roster_csv, teams, nurses, requirements):
    assert roster_audiences(plan_roster(roster_csv(*(nurse_row(n, teams) for n in nurses)).encode())) == []


def test_starters_leavers_and_movers_are_counted(roster_csv, teams, nurses, requirements):
    comms = factories.make_requirement(name="Media handling", applies_to_everyone=False)
    comms.teams.add(teams["comms"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    data = roster_csv(
        nurse_row(nurses[0], teams, leave=f"{yesterday:%d/%m/%Y}"),  # leaves: out of both
        nurse_row(nurses[1], teams).replace(teams["comms"].code, teams["finance"].code),  # moves out of comms
        row("3001", "Cal", "Starter", teams["comms"]),  # a new starter in comms
        row("3002", "Dee", "Future", teams["comms"], start="01/01/2099"),  # not in post yet: not counted
    )
    changes = {c.requirement.name: (c.now, c.after) for c in roster_audiences(plan_roster(data.encode()))}
    assert changes == {"Media handling": (2, 1), "Medicines management": (2, 1)}


def test_the_dry_run_page_shows_the_changes_and_warns(client, roster_csv, teams, nurses, requirements):
    hr = factories.make_user()
    hr.groups.add(hr_group())
    factories.with_mfa(hr)
    factories.sign_in(client, hr)
    data = roster_csv(*(nurse_row(n, teams, group="Nursing & Midwifery Registered") for n in nurses)).encode()
    client.post(reverse("imports:upload", args=["roster"]), {"file": SimpleUploadedFile("roster.csv", data)})
    url = reverse("imports:batch", args=[ImportBatch.objects.get().pk])
    page = client.get(url).content.decode()
    assert "Who must do what" in page and "A requirement would apply to no one" in page
    assert "nobody in post would have to do Medicines management" in page
    assert "Fire safety" not in page  # asked of everyone: the file cannot change who
    assert StaffMember.objects.filter(staff_group=NURSING).count() == 2  # a dry run: nothing changed


def test_the_count_reads_a_fixed_number_of_queries(roster_csv, teams, nurses, requirements):
    plan = plan_roster(roster_csv(*(nurse_row(n, teams) for n in nurses)).encode())
    with CaptureQueriesContext(connection) as few:
        roster_audiences(plan)
    for _ in range(20):
        factories.make_staff(team=teams["comms"], staff_group=NURSING)
    factories.make_requirement(name="Another", applies_to_everyone=False, staff_groups=["Allied Health"])
    with CaptureQueriesContext(connection) as many:
        roster_audiences(plan)
    assert len(few) == len(many) == 4  # requirements, their teams, the roster's facts, the teams' paths


def test_the_command_line_dry_run_says_it_too(roster_csv, teams, nurses, requirements, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(roster_csv(*(nurse_row(n, teams, group="Nursing & Midwifery Registered") for n in nurses)))
    out = StringIO()
    call_command("import_roster", str(path), stdout=out)
    assert (
        "who must do it: Medicines management, 2 people in post now, 0 once applied: IT WOULD APPLY TO NO ONE"
        in out.getvalue()
    )
    assert StaffMember.objects.filter(staff_group=NURSING).count() == 2
