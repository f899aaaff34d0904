"""The team page lists at most LISTED_MAX people in each of its lists (whom to chase, everyone's status), saying how
many more there are and how to reach them: HR's team page with no team chosen is the whole organisation, which at
11,000 people was 28 MB of HTML. The counts and the figures still cover everyone."""

import re

from django.urls import reverse

from portal.compliance.projection import refresh
from portal.reports import views_team
from tests import factories
from tests.reports.conftest import client_for


def _everyone_rows(html: str) -> int:
    table = html[html.index('aria-label="People by requirement"') :]
    return len(re.findall(r'<th scope="row"', table[: table.index("</table>")]))


def _chase_rows(html: str) -> int:
    table = html[html.index("portal-chase") :]
    return len(re.findall(r'scope="row"', table[: table.index("</table>")]))


def test_past_the_most_listed_the_page_lists_that_many_and_says_how_many_more(org, hr, monkeypatch):
    for n in range(3):
        factories.make_staff(team=org["finance"], first_name=f"Extra{n}", last_name="Finance")
    refresh()
    monkeypatch.setattr(views_team, "LISTED_MAX", 3)
    html = client_for(hr).get(reverse("reports:team")).content.decode()
    in_post = 8  # Grace, Felix, Sam, Fay, Hana and the three extras; not the leaver
    assert f"({in_post} people)" in html
    assert f"The first 3 of {in_post} people, by name." in html
    assert _everyone_rows(html) == 3
    assert "The 3 most overdue of the" in html and _chase_rows(html) == 3
    assert f"{in_post} people are overdue on something" in html


def test_within_the_most_listed_everyone_is_listed_with_no_note(org, hr):
    html = client_for(hr).get(reverse("reports:team"), {"team": org["comms"].pk}).content.decode()
    assert "The first " not in html and " most overdue of the" not in html
    assert _everyone_rows(html) == 2 and _chase_rows(html) == 2  # Grace and Sam; not the leaver
