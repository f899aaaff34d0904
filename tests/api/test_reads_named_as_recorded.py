"""The API's standing about a past day (as recorded by the end of it) names a person as the portal had them recorded
then, as the team page and its downloads on that clock do (c3961ad) and as its own team read already did: the person
read named them as they are now, so one call said 'Zoe Young, E0000001' and the other 'Ann Able, E0000099' about the
same person on the same day. The address still takes their employee number now. Live, both name them as they are."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance.projection import refresh
from portal.people.history import staff_changes_record
from tests import factories

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = DAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, DAY
    TODAY = timezone.localdate()
    DAY = TODAY - datetime.timedelta(days=20)


@pytest.fixture
def zoe(org):
    """Zoe Young, recorded in Communications long before the day; renamed Ann Able and renumbered after it."""
    long_ago = datetime.datetime.combine(DAY - datetime.timedelta(days=30), datetime.time(9))
    with freeze_time(timezone.make_aware(long_ago)):
        zoe = factories.make_staff(team=org["teams"]["comms"], first_name="Zoe", last_name="Young")
        zoe.employee_number = "E0000001"
        zoe.save()
        staff_changes_record([zoe])
        refresh(staff_ids=[zoe.pk])
    zoe.first_name, zoe.last_name, zoe.employee_number = "Ann", "Able", "E0000099"
    zoe.save()
    staff_changes_record([zoe])
    return zoe


def _reads(api, org, query):
    person = api("get", "/api/v1/people/E0000099/standing", "standing", query)
    team = api("get", f"/api/v1/teams/{org['teams']['comms'].code}/standing", "standing", query)
    assert person.status_code == team.status_code == 200, (person.content, team.content)
    [listed] = [p for p in team.json()["people"] if p["name"] in ("Zoe Young", "Ann Able")]
    return (person.json()["name"], person.json()["employee_number"]), (listed["name"], listed["employee_number"])


def test_about_a_past_day_the_person_read_names_her_as_the_team_read_does(api, org, zoe):
    person, team = _reads(api, org, {"as_at": DAY.isoformat()})
    assert person == team == ("Zoe Young", "E0000001")


def test_live_both_name_her_as_she_is(api, org, zoe):
    person, team = _reads(api, org, {})
    assert person == team == ("Ann Able", "E0000099")
