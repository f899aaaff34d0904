"""The sample organisation file (tests/fixtures/esr/organisation.csv, named in docs/setup.md and
docs/import-organisation.md) makes the teams the sample staff list names, so that on a new portal the samples import in
the order docs/setup.md gives: the organisation, then the roster. Before it, the staff list's every row was 'not a
known team', and the message named only the Organisation page, not the organisation import."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from portal.people.models import Team
from portal.people.roster import plan_roster

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "esr"


def test_on_a_new_portal_the_staff_list_names_teams_to_import_first():
    plan = plan_roster((SAMPLES / "staff-list.csv").read_bytes())
    assert len(plan.rejected) == 7
    _, message = plan.rejected[0]
    assert message.startswith("Team 'COMMS' is not a known team: import the organisation's teams")
    assert "(/hr/imports/organisation/)" in message and "(/hr/organisation/)" in message


def test_the_sample_organisation_makes_the_staff_lists_teams():
    out = io.StringIO()
    call_command("import_file", "organisation", str(SAMPLES / "organisation.csv"), "--apply", stdout=out)
    assert "created: 5" in out.getvalue()
    assert Team.objects.get(code="COMMS").name == "Communications and Engagement"
    assert Team.objects.get(code="SAFE").name == "Safeguarding"
    plan = plan_roster((SAMPLES / "staff-list.csv").read_bytes())
    assert plan.rejected == []
    # What is left is the sample's own deliberate problems (docs/import-roster.md): an unknown supervisor and a cycle.
    assert [problem.split(":")[0] for problem in plan.problems] == ["Line 5", "Line 6"]
