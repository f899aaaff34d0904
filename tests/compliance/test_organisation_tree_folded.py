"""HR's tree of teams at a trust's scale: past TEAMS_FOLDED_PAST teams, each directorate's teams are folded under it
(a trust of 480 teams was one list 21,700 px tall), each fold saying how many teams it holds; a small trust's tree is
shown whole."""

import pytest
from django.urls import reverse

from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_organisation_pages import client_for


@pytest.fixture
def trust(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    surgery = factories.make_team("Surgery", parent=organisation, kind="directorate")
    general = factories.make_team("General Surgery", parent=surgery)
    factories.make_team("Ward 3", parent=general)
    factories.make_team("Theatres", parent=surgery)
    factories.make_team("Estates", parent=organisation, kind="directorate")  # nothing below it: nothing to fold
    hr = factories.make_staff(team=organisation)
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    return {"hr": hr, "surgery": surgery}


def test_past_the_limit_each_directorate_folds_its_teams_saying_how_many(trust, monkeypatch):
    monkeypatch.setattr("portal.compliance.views_organisation.TEAMS_FOLDED_PAST", 5)
    page = client_for(trust["hr"]).get(reverse("organisation:teams")).content.decode()
    assert "6 teams. Each directorate's teams are folded under it" in page
    assert page.count("<details") == 1  # Surgery's; Estates has none, and General Surgery's is inside Surgery's
    fold = page.split("<details")[1].split("</details>")[0]
    assert "The 3 teams in Surgery" in fold
    assert "General Surgery</a>" in fold and "Ward 3</a>" in fold and "Theatres</a>" in fold
    assert page.index("Surgery</a>") < page.index("<details")  # the directorates stay in view
    assert "Estates</a>" in page and "Estates</a>" not in fold


def test_within_the_limit_the_tree_is_shown_whole(trust):
    page = client_for(trust["hr"]).get(reverse("organisation:teams")).content.decode()
    assert "<details" not in page and "folded" not in page
    assert "Ward 3</a>" in page
