"""A download's file name names its team even when the team's name is wholly in another script (slugify leaves nothing
of "病房"): by its code, else by `team-<pk>`, so that two such teams' files do not overwrite each other. The same when
slugify drops only some of the name's letters ("病房 A" and "診所 A" are both "a"), and for the requirement a download
is narrowed to (by `requirement-<pk>`): a name in Latin letters names the file as before."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Team
from tests import factories
from tests.reports.conftest import client_for


def _ward(name: str, code: str) -> Team:
    return Team.objects.get(depth=1).add_child(name=name, code=code, kind="team")


def _file_name(hr, team, kind, **more) -> str:
    response = client_for(hr).get(reverse(f"exports:{kind}"), {"team": team.pk, **more})
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('"')
    return disposition.removeprefix('attachment; filename="').removesuffix('"')


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_team_named_in_another_script_is_named_by_its_code_or_its_number(org, hr, kind):
    wards = [_ward("病房", "W12"), _ward("急诊", "W13"), _ward("产科", "产科")]
    names = [_file_name(hr, ward, kind) for ward in wards]
    assert names == [
        f"compliance-w12-{timezone.localdate():%Y-%m-%d}.{kind}",
        f"compliance-w13-{timezone.localdate():%Y-%m-%d}.{kind}",
        f"compliance-team-{wards[2].pk}-{timezone.localdate():%Y-%m-%d}.{kind}",
    ]


def test_a_team_named_in_latin_letters_is_named_as_before(org, hr):
    assert _file_name(hr, org["comms"], "csv") == f"compliance-communications-{timezone.localdate():%Y-%m-%d}.csv"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_teams_whose_names_differ_only_in_another_script_are_named_by_their_codes(org, hr, kind):
    wards = [_ward("病房 A", "W14"), _ward("診所 A", "C15"), _ward("Łódź Ward", "L16")]
    names = [_file_name(hr, ward, kind) for ward in wards]
    assert names == [
        f"compliance-w14-{timezone.localdate():%Y-%m-%d}.{kind}",
        f"compliance-c15-{timezone.localdate():%Y-%m-%d}.{kind}",
        f"compliance-l16-{timezone.localdate():%Y-%m-%d}.{kind}",
    ]
    accented = _ward("Café Ward", "W17")  # an accent is kept as its letter: named by its name, as before
    assert _file_name(hr, accented, kind) == f"compliance-cafe-ward-{timezone.localdate():%Y-%m-%d}.{kind}"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_requirement_named_in_another_script_is_named_by_its_number(org, hr, kind):
    wholly, partly = factories.make_requirement(name="消防安全"), factories.make_requirement(name="消防 Safety")
    latin = factories.make_requirement(name="Fire Safety (Level 2)")
    names = [_file_name(hr, org["comms"], kind, requirement=r.pk) for r in (wholly, partly, latin)]
    assert names == [
        f"compliance-communications-{timezone.localdate():%Y-%m-%d}-requirement-{wholly.pk}.{kind}",
        f"compliance-communications-{timezone.localdate():%Y-%m-%d}-requirement-{partly.pk}.{kind}",
        f"compliance-communications-{timezone.localdate():%Y-%m-%d}-fire-safety-level-2.{kind}",
    ]
