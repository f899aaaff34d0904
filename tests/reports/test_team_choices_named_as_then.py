"""The team page about a past day offers its teams by the names they had that day, as its table names them: for HR,
who may pick any team, as for a manager. A team renamed since is chosen by its old name about a day before the
rename, by its new one today."""

import datetime
import re

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.organisation import team_rename
from portal.people.models import StaffChange
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


def _day():
    # the past day reported on, before the rename
    return timezone.localdate() - datetime.timedelta(days=40)


@pytest.fixture
def renamed(org, hr):
    """Digital, Sam's team, is renamed today; the roster was recorded long before the day."""
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    team_rename(team=org["digital"], name="Digital Services", code="DIGI2", user=hr.user)
    return org


def _option(page, team) -> str:
    """The name in the team chooser's option for `team`, without the dashes that show its level
    (tests/reports/test_team_options_indented.py)."""
    found = re.search(rf'<option value="{team.pk}"(?: selected)?>(?:– )*([^<]*)</option>', page.content.decode())
    assert found, "no option for the team"
    return found.group(1)


@pytest.mark.parametrize("basis", ["as_it_was", "as_recorded"])
@pytest.mark.parametrize("who", ["hr", "manager"])
def test_a_past_days_team_chooser_names_a_team_renamed_since_as_the_table_does(renamed, hr, basis, who):
    client = client_for(hr if who == "hr" else renamed["manager"])
    digital = renamed["digital"]
    for chosen in ({}, {"team": digital.pk}):
        page = client.get(reverse("reports:team"), {"as_at": _day().isoformat(), "basis": basis, **chosen})
        assert page.status_code == 200
        assert _option(page, digital) == "Digital"
        assert {p.team_name for p, _ in page.context["matrix"].people if p.first_name == "Sam"} == {"Digital"}
    assert [team.name for team in page.context["matrix"].scope] == ["Digital"]  # "Everyone in Digital"
    live = client.get(reverse("reports:team"), {"team": digital.pk})
    assert _option(live, digital) == "Digital Services"
