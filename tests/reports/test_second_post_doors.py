"""The doors around a person's page opened through a second post (portal.reports.posts), tried by hand as the post
team's manager would. Each is refused, or shows what the live read-only page shows and no more."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.people.models import Assignment
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
