"""A person's page about a past day as recorded then (b1ac485) at its edges, for someone renamed twice: each day reads
the name recorded by its end, as the team page on that clock names them; renamed during the day itself (recorded by
its end), the new name, on the page and the team page alike; the audit line names them as the page does. The API's
person read about such a day: tests/api/test_reads_renamed_at_the_edges.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.audit.models import AuditEvent
from portal.compliance.projection import refresh
from portal.people.history import staff_changes_record
from portal.people.models import TeamManager
from tests import factories
from tests.reports.conftest import client_for

# Days before the day the test runs, read then (_ago): read when the file was imported, a run going past midnight in
# London used yesterday's.
FIRST = 60  # recorded as Zoe Young
RENAMED = 40  # renamed Yas Young, at noon
AGAIN = 20  # renamed Ann Able, at noon


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def ward(db):
    with freeze_time(_at(_ago(FIRST), 9)):
        trust = factories.make_team("Trust", kind="organisation")
        ward = factories.make_team("Ward 1", parent=trust)
        factories.make_requirement(name="Fire Safety")
        zoe = factories.make_staff(team=ward, first_name="Zoe", last_name="Young")
        mia = factories.make_staff(team=ward, first_name="Mia", last_name="Manager")
        TeamManager.objects.create(staff=mia, team=ward)
        refresh()
    rename_twice(zoe)
    return {"zoe": zoe, "mia": mia, "ward": ward}


def rename_twice(person):
    """Yas Young at noon on RENAMED, Ann Able at noon on AGAIN, each recorded as the roster records a change."""
    renames = ((_ago(RENAMED), ("Yas", "Young")), (_ago(AGAIN), ("Ann", "Able")))  # both read before the clock stops
    for day, (first, last) in renames:
        with freeze_time(_at(day, 12)):
            person.first_name, person.last_name = first, last
            person.save()
            staff_changes_record([person])


# Each day read (in days before the test runs: one more is the day before) and the name recorded by its end.
DAYS = {
    "before the first rename": (RENAMED + 1, "Zoe Young"),
    "the day of the first rename": (RENAMED, "Yas Young"),
    "between the renames": (AGAIN + 1, "Yas Young"),
    "the day of the second rename": (AGAIN, "Ann Able"),
    "after both": (AGAIN - 1, "Ann Able"),
}


@pytest.mark.parametrize("when", DAYS)
def test_each_day_reads_the_name_recorded_by_its_end_as_the_team_page_does(ward, when):
    days_ago, then = DAYS[when]
    query = {"as_at": _ago(days_ago).isoformat(), "basis": "as_recorded"}
    mia = client_for(ward["mia"])
    html = mia.get(reverse("reports:team_person", args=[ward["zoe"].pk]), query).content.decode()
    assert f"<h1>{then}</h1>" in html
    assert ("Now named Ann Able" in html) is (then != "Ann Able")
    assert AuditEvent.objects.filter(action=AuditEvent.VIEW_PERSON).latest("pk").scope == then
    team = mia.get(reverse("reports:team"), query).content.decode()
    assert [name for name in ("Zoe Young", "Yas Young", "Ann Able") if name in team.split("<h1", 1)[1]] == [then]
