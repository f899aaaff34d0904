"""Team names are not unique (codes are): a row that names its team only by a name two teams share is refused until
it gives the Organisation Code, rather than placed in whichever came last. `RosterTeams` finds a row's team as the
import does, for the API's scope check."""

import datetime

import pytest
from django.utils import timezone

from portal.lib.csvfiles import show_date
from portal.people.models import StaffMember
from portal.people.roster import RosterTeams
from tests import factories
from tests.people.roster_doors import esr_file, esr_row, refused_everywhere, upload, upload_and_apply
from tests.people.roster_doors import private_files as _private_files  # noqa: F401 (autouse)


@pytest.fixture
def payrolls(teams):
    operations = factories.make_team("Operations", parent=teams["org"])
    return {
        "operations": factories.make_team("Payroll", parent=operations),
        "finance": factories.make_team("Payroll", parent=teams["finance"]),
    }


def test_a_name_two_teams_share_is_refused(payrolls, tmp_path):
    refused_everywhere(
        esr_file(esr_row("10000005", "10000005-1", team="payroll")),
        tmp_path,
        "Line 2: More than one team is called 'payroll' (Finance › Payroll, Operations › Payroll): give the "
        "Organisation Code",
    )
    assert not StaffMember.objects.exists()


def test_the_code_says_which(payrolls):
    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", code=payrolls["finance"].code, team="Payroll")))
    assert StaffMember.objects.get().team == payrolls["finance"]


def test_a_name_only_one_team_can_take_is_that_team(payrolls, teams):
    """After a reorganisation the old team is closed: a name it shares with the new one finds the new one for
    someone in post, and is still refused for someone who left before it closed (either team could be theirs)."""
    closed_on = timezone.localdate() - datetime.timedelta(days=100)
    payrolls["operations"].closed_on = closed_on
    payrolls["operations"].save()
    upload_and_apply(esr_file(esr_row("10000005", "10000005-1", team="Payroll")))
    assert StaffMember.objects.get().team == payrolls["finance"]

    left = show_date(closed_on - datetime.timedelta(days=1))
    _, plan = upload(esr_file(esr_row("10000006", "10000006-1", team="Payroll", leave=left)))
    assert [text for _, text in plan.rejected] == [
        "More than one team is called 'Payroll' (Finance › Payroll, Operations › Payroll): give the Organisation Code"
    ]


def test_roster_teams_finds_a_rows_team_as_the_import_does(payrolls, teams):
    found = RosterTeams.load()
    assert found.find(payrolls["operations"].code.lower(), "") == (payrolls["operations"], "")
    assert found.find("", "FINANCE") == (teams["finance"], "")
    assert found.find("NOPE", "Finance") == (teams["finance"], "")  # an unknown code falls back to the name
    team, problem = found.find("", "Payroll")
    assert team is None and problem.startswith("More than one team is called 'Payroll'")
    team, problem = found.find("", "Nowhere")
    assert team is None and problem.startswith("Team 'Nowhere' is not a known team")
    assert found.find("", "") == (None, "No team is given")
