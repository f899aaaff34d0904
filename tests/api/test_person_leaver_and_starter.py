"""A person's standing says when they started and, if they have one, their last day, as HR's person page does
("(left 25 November 2026)"): a leaver's live answer was an empty list of requirements, the same as someone nothing
applies to, with nothing to say they had left; and a new starter's "not started" nothing to say they start next week.
The team's standing and the organisation's figures leave both out, as the team page does; a paused person is counted
on neither side."""

import datetime

from django.utils import timezone

from portal.compliance.pauses import SICKNESS, pause_add
from portal.compliance.projection import refresh
from tests import factories


def _standing(api, person) -> dict:
    response = api("get", f"/api/v1/people/{person.employee_number}/standing", "standing")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_leaver_and_a_new_starter_are_named_as_such_and_left_out_of_the_team(api, org):
    today, comms = timezone.localdate(), org["teams"]["comms"]
    left_on, starts_on = today - datetime.timedelta(days=10), today + datetime.timedelta(days=7)
    leaver = factories.make_staff(team=comms, first_name="Lee", last_name="Leaver", leave_date=left_on)
    starter = factories.make_staff(team=comms, first_name="Nia", last_name="Starter", start_date=starts_on)
    refresh()

    left = _standing(api, leaver)
    assert (left["leave_date"], left["start_date"], left["requirements"]) == (left_on.isoformat(), "2020-01-06", [])
    starting = _standing(api, starter)
    assert (starting["start_date"], starting["leave_date"]) == (starts_on.isoformat(), None)
    assert [line["state"] for line in starting["requirements"]] == ["not_started"]

    team = api("get", f"/api/v1/teams/{comms.code}/standing", "standing").json()
    assert [person["name"] for person in team["people"]] == ["Kim Colleague", "Sam Person"]


def test_a_paused_person_is_reported_paused_and_not_counted_as_required(api, org):
    kim, comms = org["people"]["kim"], org["teams"]["comms"]
    first_day = timezone.localdate() - datetime.timedelta(days=3)
    hr = org["people"]["hr"].user
    pause_add(staff=kim, requirements=None, reason_code=SICKNESS, first_day=first_day, last_day=None, user=hr)
    [line] = _standing(api, kim)["requirements"]
    assert (line["state"], line["label"]) == ("paused", "Paused")
    [figure] = api("get", f"/api/v1/teams/{comms.code}/standing", "standing").json()["requirements"]
    assert (figure["required"], figure["counts"]["paused"]) == (1, 1)
