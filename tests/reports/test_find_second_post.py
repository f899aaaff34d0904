"""'Find a person' finds someone through a second post for a manager the team page lists them to (the manager of the
post's team, or of a team above it: 'Also working in this team', today), as it finds the people of their own teams:
by name or employee number, which that page shows of them (not by work email, which it does not), marked as working
in their teams through a post, their own team not named, linked to the page that opens read-only for them. Their own
team's manager finds them as before; an outsider does not; a post ended finds no one; the person, who manages no
one, is refused the search."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Assignment, TeamManager
from tests import factories
from tests.reports.conftest import client_for

FIND = reverse("reports:find")
THROUGH = "Through a post in your teams"


@pytest.fixture
def posted(org):
    """Fay (Finance, managed by Felix) holds a bank post in Digital (managed by Dan, below Grace's Communications).
    Olive manages Estates."""
    dan = factories.make_staff(team=org["digital"], first_name="Dan", last_name="Digital-Manager")
    TeamManager.objects.create(staff=dan, team=org["digital"])
    post = Assignment.objects.create(staff=org["fin"], number=f"{org['fin'].employee_number}-2", team=org["digital"])
    estates = factories.make_team("Estates", parent=org["comms"].get_parent())
    olive = factories.make_staff(team=estates, first_name="Olive", last_name="Outsider")
    TeamManager.objects.create(staff=olive, team=estates)
    return {**org, "dan": dan, "olive": olive, "post": post}


def _found(who, q) -> str:
    response = client_for(who).get(FIND, {"q": q})
    assert response.status_code == 200
    return response.content.decode().split('id="people"', 1)[1].split('id="teams"', 1)[0]


@pytest.mark.parametrize("who", ["dan", "manager"], ids=["the post team's manager", "a manager above it"])
def test_a_manager_the_team_page_lists_her_to_finds_her_by_name_and_number(posted, who):
    fay = posted["fin"]
    for q in ("Fay", "finance", fay.employee_number):
        found = _found(posted[who], q)
        assert "People (1)" in found, q
        assert "Fay Finance" in found and THROUGH in found, q
        assert reverse("reports:team_person", args=[fay.pk]) in found
        assert ">Finance<" not in found  # her own team is not named to a manager who may not see it
    assert "Fay Finance" not in _found(posted[who], fay.work_email.split("@")[0])
    assert client_for(posted[who]).get(reverse("reports:team_person", args=[fay.pk])).status_code == 200


def test_her_own_manager_finds_her_in_her_team_and_an_outsider_does_not(posted):
    own = _found(posted["other"], "Fay")
    assert "Fay Finance" in own and ">Finance<" in own and THROUGH not in own
    assert "Fay Finance" not in _found(posted["olive"], "Fay")
    assert "Fay Finance" not in _found(posted["olive"], posted["fin"].employee_number)


def test_a_post_ended_finds_no_one(posted):
    Assignment.objects.filter(pk=posted["post"].pk).update(leave_date=timezone.localdate() - datetime.timedelta(1))
    assert "Fay Finance" not in _found(posted["dan"], "Fay")
    assert "People (0)" in _found(posted["dan"], "Fay")


def test_she_manages_no_one_and_is_refused_the_search(posted):
    assert client_for(posted["fin"]).get(FIND, {"q": "Fay"}).status_code == 403
