"""A manager of several teams sees them together on the team page, with a link to each on its own that keeps the
day and the clock; a manager of one team, and HR with the whole organisation, get no such list."""

import datetime

from django.urls import reverse

from portal.people.models import TeamManager
from tests.reports.conftest import client_for


def _links(html: str, team) -> int:
    return html.count(f'href="{reverse("reports:team")}?team={team.pk}')


def test_a_manager_of_several_teams_has_a_link_to_each_on_its_own(org):
    TeamManager.objects.create(staff=org["manager"], team=org["finance"])
    client = client_for(org["manager"])
    html = client.get(reverse("reports:team")).content.decode()
    assert "See one of your teams on its own" in html
    assert _links(html, org["comms"]) == 1 and _links(html, org["finance"]) == 1
    day = datetime.date.today() - datetime.timedelta(days=3)
    html = client.get(reverse("reports:team"), {"as_at": day.isoformat(), "basis": "as_recorded"}).content.decode()
    assert f'?team={org["finance"].pk}&amp;as_at={day.isoformat()}&amp;basis=as_recorded"' in html


def test_a_manager_of_one_team_and_hr_get_no_list(org, hr):
    for client in (client_for(org["manager"]), client_for(hr)):
        assert "See one of your teams on its own" not in client.get(reverse("reports:team")).content.decode()
    # Nor once one of several is chosen: the page is that team's.
    TeamManager.objects.create(staff=org["manager"], team=org["finance"])
    html = client_for(org["manager"]).get(reverse("reports:team"), {"team": org["finance"].pk}).content.decode()
    assert "See one of your teams on its own" not in html
