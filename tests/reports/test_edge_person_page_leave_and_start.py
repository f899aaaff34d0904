"""A person's page says "left" only of someone whose last day of service has passed. It printed "(left <leave date>)"
for any leave date, so a manager opening the page of someone working their notice read "(left 15 December 2026)" ten
days before it, and on the leave date itself (their last day, still in post and still counted on every report) that
they had left. Someone leaving now reads as leaving, with their last day; someone whose start date is still ahead,
whom the team page does not list yet, as starting on it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection
from tests import factories
from tests.reports.conftest import client_for


def _words(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _page(viewer, person) -> str:
    response = client_for(viewer).get(reverse("reports:team_person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("days", "shown", "not_shown"),
    [
        pytest.param(10, "(leaving: last day {day})", "(left ", id="leaving-in-ten-days"),
        pytest.param(0, "(leaving: last day {day})", "(left ", id="last-day-today"),
        pytest.param(-1, "(left {day})", "(leaving", id="left-yesterday"),
    ],
)
def test_the_page_says_left_only_once_the_last_day_has_passed(org, hr, days, shown, not_shown):
    leave = timezone.localdate() + datetime.timedelta(days=days)
    person = factories.make_staff(team=org["comms"], first_name="Lola", last_name="Notice", leave_date=leave)
    projection.refresh()
    for viewer in (org["manager"], hr):
        html = _page(viewer, person)
        assert shown.format(day=_words(leave)) in html
        assert not_shown not in html


def test_a_future_starter_reads_as_starting(org, hr):
    start = timezone.localdate() + datetime.timedelta(days=14)
    person = factories.make_staff(team=org["comms"], first_name="Stan", last_name="Soon", start_date=start)
    projection.refresh()
    for viewer in (org["manager"], hr):
        assert f"(starts {_words(start)})" in _page(viewer, person)
    assert "(starts " not in _page(org["manager"], org["sam"])  # someone in post: nothing said
    assert "(left " not in _page(org["manager"], org["sam"]) and "(leaving" not in _page(org["manager"], org["sam"])
