"""A team page asked for with a wrong filter (a date that is not one, a day in the future) is shown again with the
error named and every other filter as it was chosen: the requirement chosen is still offered and still selected, as
the organisation report keeps it. Before, the requirement list was filled only from a report that was made, so the
page with the error offered "All requirements" alone, and a manager without JavaScript who corrected the date and
pressed the button again lost the requirement they had chosen without being told."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.reports.conftest import client_for


@pytest.mark.parametrize(
    "day",
    [
        {"as_at_day": "31", "as_at_month": "2", "as_at_year": "2025"},
        {},  # three days from today, read in the test: read when the file was imported, a run going past midnight
        # asked about another day
    ],
    ids=["not a day", "in the future"],
)
def test_a_wrong_date_keeps_the_requirement_chosen(org, day):
    day = day or factories.date_boxes("as_at", timezone.localdate() + datetime.timedelta(days=3))
    chosen = org["sam"].statuses.get().requirement
    other = factories.make_requirement(name="Fire Safety")
    query = {"team": org["digital"].pk, "requirement": chosen.pk, "state": "overdue", **day}
    response = client_for(org["manager"]).get(reverse("reports:team"), query)
    html = response.content.decode()
    assert response.status_code == 400
    assert "nhsuk-error-summary" in html
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in html
    assert f'<option value="{other.pk}">{other.name}</option>' in html
    assert f'<option value="{org["digital"].pk}" selected>' in html
    assert '<option value="overdue" selected>' in html


def test_a_requirement_not_in_force_that_day_is_named_and_the_days_are_offered(org):
    introduced = timezone.localdate() - datetime.timedelta(days=10)
    late = factories.make_requirement(name="Information Governance", introduced_on=introduced)
    day = factories.date_boxes("as_at", introduced - datetime.timedelta(days=5))
    response = client_for(org["manager"]).get(reverse("reports:team"), {"requirement": late.pk, **day})
    html = response.content.decode()
    assert response.status_code == 400
    assert "was not in force on" in html
    held = org["sam"].statuses.get().requirement  # in force that day: still offered
    assert f'<option value="{held.pk}">{held.name}</option>' in html
