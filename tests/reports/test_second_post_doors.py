"""The doors around a person's page opened through a second post (portal.reports.posts), tried by hand as the post
team's manager would. Each is refused, or shows what the live read-only page shows and no more."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.organisation import team_close
from portal.people.models import Assignment
from tests import factories
from tests.reports.conftest import client_for

TODAY = timezone.localdate()


@pytest.fixture
def posted(org):
    """Fay Finance (in Finance, managed by Felix) also holds a bank post in Digital (below Grace's Communications)."""
    post = Assignment.objects.create(
        staff=org["fin"], number=f"{org['fin'].employee_number}-2", team=org["digital"], start_date=TODAY
    )
    return {**org, "post": post}


def person_page(who, staff, **query):
    return client_for(who).get(reverse("reports:team_person", args=[staff.pk]), query)


@pytest.mark.parametrize("typed", ["31/02/2024", "tomorrow", "9999-99-99", "2024-13-01"])
def test_a_date_typed_wrong_names_neither_her_team_nor_offers_a_day(posted, typed):
    response = person_page(posted["manager"], posted["fin"], as_at=typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Fay Finance" in html and "holds a post in a team you manage" in html
    assert "Finance" not in html.replace("Fay Finance", "")  # her own team is not named
    assert 'name="as_at' not in html  # no date form that would be refused


def test_a_date_typed_wrong_still_offers_her_own_manager_the_form(posted):
    response = person_page(posted["other"], posted["fin"], as_at="31/02/2024")
    html = response.content.decode()
    assert response.status_code == 400 and 'name="as_at' in html and "holds a post in a team you manage" not in html


def _bank_pool(posted):
    """A team below Grace's Communications with no one in it, where Fay's bank post is."""
    pool = factories.make_team("Bank pool", parent=posted["comms"], kind="sub_team")
    Assignment.objects.filter(pk=posted["post"].pk).update(team=pool)
    return pool


def test_a_post_in_a_team_that_closed_shows_her_no_more(posted, hr):
    """A team with someone in post may not close (compliance.organisation.team_close), but a post held there does not
    stop it: from the closing day the post is not held, as the roster refuses a post in a closed team, and the
    managers of the teams above it no longer list her or open her page through it."""
    pool = _bank_pool(posted)
    assert "Fay Finance" in page_html(posted["manager"])  # the post in the pool shows her to Grace, above it
    team_close(team=pool, closed_on=TODAY, user=hr.user)
    assert "Fay Finance" not in page_html(posted["manager"])
    assert person_page(posted["manager"], posted["fin"]).status_code == 404
    assert person_page(posted["other"], posted["fin"]).status_code == 200  # her own team's manager, as before


def page_html(who, **query):
    return client_for(who).get(reverse("reports:team"), query).content.decode()
