"""The API's person read about a past day (9031b6b) names them as recorded by the end of it, as its team read does,
for someone renamed twice: before the first rename, on the day of each (recorded by its end: the new name), between
them and after both; the audit line names them so."""

import pytest
from freezegun import freeze_time

from portal.audit.models import AuditEvent
from portal.compliance.projection import refresh
from tests import factories
from tests.reports.test_team_person_renamed_at_the_edges import DAYS, FIRST, _ago, _at, rename_twice


@pytest.mark.parametrize("when", DAYS)
def test_the_api_reads_the_same_name_about_each_day(api, org, when):
    days_ago, then = DAYS[when]
    with freeze_time(_at(_ago(FIRST), 9)):
        zoe = factories.make_staff(team=org["teams"]["comms"], first_name="Zoe", last_name="Young")
        refresh(staff_ids=[zoe.pk])
    rename_twice(zoe)
    query = {"as_at": _ago(days_ago).isoformat()}
    person = api("get", f"/api/v1/people/{zoe.employee_number}/standing", "standing", query)
    team = api("get", f"/api/v1/teams/{org['teams']['comms'].code}/standing", "standing", query)
    assert person.status_code == team.status_code == 200
    assert person.json()["name"] == then
    assert then in [p["name"] for p in team.json()["people"]]
    assert AuditEvent.objects.filter(action=AuditEvent.VIEW_PERSON).latest("pk").scope == then
