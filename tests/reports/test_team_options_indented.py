"""The team page's team filter shows each team's level with a dash a level below the top of the list, as the
organisation's and the API clients' team lists do: among HR's hundreds of teams two wards of one name in different
directorates are told apart by where they sit."""

import re

from django.urls import reverse

from tests import factories
from tests.reports.conftest import client_for


def _options(html: str) -> list[str]:
    select = html[html.index('<select class="nhsuk-select portal-select-full" id="team"') :]
    return re.findall(r"<option value=\"\d+\"(?: selected)?>([^<]*)</option>", select[: select.index("</select>")])


def test_hr_sees_each_team_indented_by_its_level(org, hr):
    factories.make_team("Ward 3", parent=org["digital"], kind="sub_team")
    factories.make_team("Ward 3", parent=org["finance"])
    html = client_for(hr).get(reverse("reports:team")).content.decode()
    assert _options(html) == [
        "Organisation",
        "– Communications",
        "– – Digital",
        "– – – Ward 3",
        "– Finance",
        "– – Ward 3",
    ]


def test_a_managers_list_starts_at_their_own_team(org):
    html = client_for(org["manager"]).get(reverse("reports:team")).content.decode()
    assert _options(html) == ["Communications", "– Digital"]
