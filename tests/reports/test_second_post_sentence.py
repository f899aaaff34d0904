"""The sentence a person's page opened through a second post says, as each manager who may open it reads it: the
manager of the post's own team reads that the post is in a team they manage; a manager of a team above it, that it
is in a team they manage or a team below it. Someone with no team of their own is not 'counted in their own team':
the page, and the team page's list of those working there, say what is true for them. Their own team's manager reads
no such sentence; an outsider opens nothing."""

import pytest
from django.urls import reverse

from portal.people.models import Assignment, TeamManager
from tests import factories
from tests.reports.conftest import client_for

OWN_TEAM = "They are counted in their own team, whose managers remind them."
NO_TEAM = "They have no team of their own: no team's figures count them, and HR follows them up."


@pytest.fixture
def posted(org):
    """Fay (Finance, managed by Felix) and Tia (no team of her own) each hold a post in Digital, managed by Dan, below
    Grace's Communications. Olive manages Estates."""
    dan = factories.make_staff(team=org["digital"], first_name="Dan", last_name="Digital-Manager")
    TeamManager.objects.create(staff=dan, team=org["digital"])
    tia = factories.make_staff(team=None, first_name="Tia", last_name="Teamless")
    for person in (org["fin"], tia):
        Assignment.objects.create(staff=person, number=f"{person.employee_number}-2", team=org["digital"])
    estates = factories.make_team("Estates", parent=org["comms"].get_parent())
    olive = factories.make_staff(team=estates, first_name="Olive", last_name="Outsider")
    TeamManager.objects.create(staff=olive, team=estates)
    return {**org, "dan": dan, "tia": tia, "olive": olive}


def _page(who, person):
    return client_for(who).get(reverse("reports:team_person", args=[person.pk]))


@pytest.mark.parametrize(
    ("who", "where"),
    [("dan", "a team you manage."), ("manager", "a team you manage or a team below it.")],
    ids=["the post team's manager", "a manager above it"],
)
def test_each_manager_reads_where_the_post_is(posted, who, where):
    for person, counted in ((posted["fin"], OWN_TEAM), (posted["tia"], NO_TEAM)):
        html = _page(posted[who], person).content.decode()
        assert f"{person.first_name} holds a post in {where} {counted}" in html


def test_someone_with_no_team_is_not_said_to_be_counted_in_one(posted):
    html = _page(posted["dan"], posted["tia"]).content.decode()
    assert "counted in their own team" not in html
    listed = client_for(posted["dan"]).get(reverse("reports:team")).content.decode()
    tia, fay = listed.split("Tia Teamless", 1)[1], listed.split("Fay Finance", 1)[1]
    assert tia.index("no team of their own</span>") < tia.index("</tr>")
    assert fay.index("counted in their own team</span>") < fay.index("</tr>")


def test_her_own_manager_reads_no_such_sentence_and_an_outsider_opens_nothing(posted):
    html = _page(posted["other"], posted["fin"]).content.decode()
    assert "holds a post in" not in html and "Officer, Finance" in html
    assert _page(posted["olive"], posted["fin"]).status_code == 404
    assert _page(posted["olive"], posted["tia"]).status_code == 404
