"""A team code in any case finds the team the roster import would place someone in: the code as written, else the
one whose code has the same lower case as Python gives it (`people.roster.teams`, the organisation import). The
database's LOWER is not that rule: PostgreSQL's lowers the Turkish 'İ' to 'i', where Python gives 'i̇', so the
Organisation page and the organisation import both take 'İX' beside 'IX', and the team read asked for 'ix' read
whichever of the two the database returned first ('İX' here), and 'İx' found neither."""

import pytest

from portal.people.models import Team
from portal.people.roster.teams import RosterTeams


@pytest.fixture
def dotted(org):
    # Made in this order, so the database meets 'İX' first.
    Team.objects.filter(pk=org["teams"]["comms"].pk).update(code="İX")
    Team.objects.filter(pk=org["teams"]["payroll"].pk).update(code="IX")
    return org


@pytest.mark.parametrize(
    ("asked", "found"),
    [("ix", "IX"), ("Ix", "IX"), ("IX", "IX"), ("İX", "İX"), ("İx", "İX")],
)
def test_the_team_read_finds_the_team_the_roster_finds(api, dotted, asked, found):
    team, _ = RosterTeams.load().find(asked, "")
    assert team.code == found  # the roster's rule, which the read follows

    response = api("get", f"/api/v1/teams/{asked}/standing", "standing")

    assert response.status_code == 200, response.content
    assert response.json()["team"]["code"] == found
