"""The trend's last point (today) counts everyone its month ends count: the people of every organisation at the top
of the tree. HR may add a second organisation there (a hosted service, a merged trust: `team_create` with no
parent), and the month ends, as it was and as recorded then, counted the people of both, while today's point counted
one of them alone (the first by name, here the hosted service's three people out of eight): with nothing changed
since the last month end, the line jumped on its last day."""

import datetime

import pytest
from django.db.models import F
from django.utils import timezone

from portal.compliance import projection
from portal.people.models import StaffChange
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.kept import day_keep
from portal.reports.trend import month_ends, trend
from tests import factories
from tests.dbrole import as_owner


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_today_counts_the_same_people_as_the_last_month_end(org, hr, basis):
    hosted = factories.make_team("Hosted Payroll Service", kind="organisation")  # a second organisation at the top
    for n in range(3):
        factories.make_staff(team=factories.make_team(parent=hosted), first_name="Hosted", last_name=f"Person {n}")
    projection.refresh()
    with as_owner():  # everyone on the roster long before the last month end
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=400))

    if basis == AS_RECORDED:
        day_keep(month_ends(timezone.localdate())[-1])  # as the nightly run keeps it
    points, _ = trend(timezone.localdate(), basis=basis)
    last_month_end, today = points[-2].figure, points[-1].figure
    # Nothing changed between the two days: the same people, none of them ever done.
    assert today.required == last_month_end.required == 8  # Grace, Sam, Felix, Fay, Hana and the three hosted; Lee left
    assert (today.compliant, today.overdue) == (last_month_end.compliant, last_month_end.overdue) == (0, 8)
