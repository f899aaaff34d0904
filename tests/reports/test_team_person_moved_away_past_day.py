"""A person's page about a past day opens to the manager they had that day, though they have moved since to a team
the manager does not manage (docs/two-clocks.md, "Who may see a past day"); the API's read about such a day gives a
client limited to a team the team they were in then, as they 'may have moved since to a team outside the client's,
which it is not to learn'. The page's line under the name speaks of today: their job title, team, kind of employment
and leave date now. To that manager it said where they work now and as what ('Sexual Health Adviser, Clinic 9').
It now says only that they are not in the manager's teams today; to HR and a manager who still has them, it reads
as before (their manager today opens no day before they joined, as before). Both clocks."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.compliance.projection import refresh
from portal.people.history import staff_changes_record
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.reports.conftest import client_for

# The day each test runs, and days from it: read as the test begins (_read_the_day), before any test freezes or
# moves the clock. Read when the file was imported, a run going past midnight used yesterday's.
TODAY = DAY = None


@pytest.fixture(autouse=True)
def _read_the_day():
    global TODAY, DAY
    TODAY = timezone.localdate()
    DAY = TODAY - datetime.timedelta(days=20)


NOW = "Sexual Health Adviser, Clinic 9"
GONE = "Zoe is not in a team you manage today: only that day is shown."


@pytest.fixture
def moved(db):
    """Zoe was in Ward 1 (Mia's, below Surgery, Sid's) on the day; she has moved since to Clinic 9 (Cal's), as a
    Sexual Health Adviser, leaving at the end of next month. Hal is HR."""
    long_ago = timezone.make_aware(datetime.datetime.combine(DAY - datetime.timedelta(days=30), datetime.time(9)))
    with freeze_time(long_ago):
        trust = factories.make_team("Trust", kind="organisation")
        surgery = factories.make_team("Surgery", parent=trust, kind="directorate")
        ward = factories.make_team("Ward 1", parent=surgery)
        clinic = factories.make_team("Clinic 9", parent=trust)
        factories.make_requirement(name="Fire Safety")
        zoe = factories.make_staff(team=ward, first_name="Zoe", last_name="Young", job_title="Staff Nurse")
        people = {"zoe": zoe}
        for name, team in (("mia", ward), ("sid", surgery), ("cal", clinic)):
            people[name] = factories.make_staff(team=team, first_name=name.title(), last_name="Manager")
            TeamManager.objects.create(staff=people[name], team=team)
        people["hal"] = factories.make_staff(team=clinic, first_name="Hal", last_name="Resources")
        people["hal"].user.groups.add(hr_group())
        factories.with_mfa(people["hal"].user)
        refresh()
    zoe.team, zoe.job_title, zoe.leave_date = clinic, "Sexual Health Adviser", TODAY + datetime.timedelta(days=40)
    zoe.save()
    staff_changes_record([zoe])
    return people


def _page(who, person, basis) -> str:
    query = {"as_at": DAY.isoformat(), "basis": basis}
    response = client_for(who).get(reverse("reports:team_person", args=[person.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("basis", ["as_it_was", "as_recorded"])
@pytest.mark.parametrize("who", ["mia", "sid"], ids=["her manager then", "a manager above her then"])
def test_the_manager_she_had_then_reads_nothing_of_where_she_works_now(moved, who, basis):
    html = _page(moved[who], moved["zoe"], basis)
    assert "Zoe Young" in html and "Fire Safety" in html  # the day itself, as before
    assert GONE in html
    for now in ("Clinic 9", "Sexual Health Adviser", "leaving: last day"):
        assert now not in html


@pytest.mark.parametrize("basis", ["as_it_was", "as_recorded"])
@pytest.mark.parametrize("who", ["hal", "mia"], ids=["HR", "her manager then, who manages her team today too"])
def test_whoever_sees_her_today_reads_the_line_as_before(moved, who, basis):
    TeamManager.objects.create(staff=moved["mia"], team=moved["zoe"].team)
    html = _page(moved[who], moved["zoe"], basis)
    assert NOW in html and "leaving: last day" in html and GONE not in html


def test_her_manager_today_still_opens_no_day_before_she_joined(moved):
    query = {"as_at": DAY.isoformat(), "basis": "as_recorded"}
    response = client_for(moved["cal"]).get(reverse("reports:team_person", args=[moved["zoe"].pk]), query)
    assert response.status_code == 404
