"""A download's file name names its team even when the team's name is wholly in another script (slugify leaves nothing
of "病房"): by its code, else by `team-<pk>`, so that two such teams' files do not overwrite each other."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Team
from tests.reports.conftest import client_for

TODAY = timezone.localdate()


def _ward(name: str, code: str) -> Team:
    return Team.objects.get(depth=1).add_child(name=name, code=code, kind="team")


def _file_name(hr, team, kind) -> str:
    response = client_for(hr).get(reverse(f"exports:{kind}"), {"team": team.pk})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('"')
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_team_named_in_another_script_is_named_by_its_code_or_its_number(org, hr, kind):
    wards = [_ward("病房", "W12"), _ward("急诊", "W13"), _ward("产科", "产科")]
    names = [_file_name(hr, ward, kind) for ward in wards]
    assert names == [
        f"compliance-w12-{TODAY:%Y-%m-%d}.{kind}",
        f"compliance-w13-{TODAY:%Y-%m-%d}.{kind}",
        f"compliance-team-{wards[2].pk}-{TODAY:%Y-%m-%d}.{kind}",
    ]


def test_a_team_named_in_latin_letters_is_named_as_before(org, hr):
    assert _file_name(hr, org["comms"], "csv") == f"compliance-communications-{TODAY:%Y-%m-%d}.csv"
