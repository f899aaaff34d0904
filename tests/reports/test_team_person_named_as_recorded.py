"""A person's page about a past day as recorded then names them as the portal had them recorded by the end of that
day, as the team page on that clock does (c3961ad): its title, heading, table caption and every sentence that names
them, and the audit line of the visit; it says the name they have now beside it. As it was, and live, they are named
as they are now, as the team page on those clocks names them. Tried with her manager, HR and an outsider."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from portal.audit.models import AuditEvent
from portal.compliance.projection import refresh
from portal.people.history import staff_changes_record
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.reports.conftest import client_for


def _day() -> datetime.date:
    """The past day the pages are about, 20 days before the test runs, read then: read when the file was imported, a
    run going past midnight in London used yesterday's."""
    return timezone.localdate() - datetime.timedelta(days=20)


@pytest.fixture
def ward(db):
    """Zoe Young, recorded long before the day in Ward 1 (managed by Mia), renamed Ann Able after it. Olive manages
    another ward; Hal is HR."""
    long_ago = datetime.datetime.combine(_day() - datetime.timedelta(days=30), datetime.time(9))
    with freeze_time(timezone.make_aware(long_ago)):
        trust = factories.make_team("Trust", kind="organisation")
        ward = factories.make_team("Ward 1", parent=trust)
        other = factories.make_team("Ward 2", parent=trust)
        factories.make_requirement(name="Fire Safety")
        zoe = factories.make_staff(team=ward, first_name="Zoe", last_name="Young")
        mia = factories.make_staff(team=ward, first_name="Mia", last_name="Manager")
        TeamManager.objects.create(staff=mia, team=ward)
        olive = factories.make_staff(team=other, first_name="Olive", last_name="Outsider")
        TeamManager.objects.create(staff=olive, team=other)
        hal = factories.make_staff(team=other, first_name="Hal", last_name="Resources")
        hal.user.groups.add(hr_group())
        factories.with_mfa(hal.user)
        refresh()
    zoe.first_name, zoe.last_name = "Ann", "Able"
    zoe.save()
    staff_changes_record([zoe])
    return {"zoe": zoe, "mia": mia, "olive": olive, "hal": hal}


def _page(who, person, **query):
    return client_for(who).get(reverse("reports:team_person", args=[person.pk]), query)


@pytest.mark.parametrize("who", ["mia", "hal"])
def test_as_recorded_then_she_is_named_as_she_was(ward, who):
    response = _page(ward[who], ward["zoe"], as_at=_day().isoformat(), basis="as_recorded")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Zoe Young" in html and "<h1>Zoe Young</h1>" in html
    assert "Zoe Young's requirements" in html
    assert "Now named Ann Able" in html  # who she is today, said once, beside the name then
    assert html.count("Ann Able") == 1
    line = AuditEvent.objects.filter(action=AuditEvent.VIEW_PERSON).latest("pk")
    assert line.scope == "Zoe Young"


@pytest.mark.parametrize("basis", [None, "as_it_was"], ids=["live", "as it was"])
def test_live_and_as_it_was_she_is_named_as_she_is_now(ward, basis):
    query = {"as_at": _day().isoformat(), "basis": basis} if basis else {}
    html = _page(ward["mia"], ward["zoe"], **query).content.decode()
    assert "<h1>Ann Able</h1>" in html and "Zoe" not in html and "Now named" not in html


def test_not_on_the_roster_then_the_sentence_names_her_as_then(ward):
    before = (_day() - datetime.timedelta(days=40)).isoformat()  # before anything was recorded of her
    html = _page(ward["hal"], ward["zoe"], as_at=before, basis="as_recorded").content.decode()
    assert "<h1>Zoe Young</h1>" in html and "Zoe was not on the staff roster" in html
    assert html.count("Ann Able") == 1  # only where the page says who she is now


def test_an_outsider_still_opens_nothing(ward):
    response = _page(ward["olive"], ward["zoe"], as_at=_day().isoformat(), basis="as_recorded")
    assert response.status_code == 404 and "Zoe" not in response.content.decode()
