"""A retired requirement leaves every live figure and stays in every report about a day before it was retired: the
organisation report (live, and as kept for a past day), a team as at a past day, and the 12-month trend."""

import datetime

from django.db.models import F
from django.utils import timezone

from portal.compliance.asat import Moment
from portal.compliance.projection import refresh
from portal.compliance.services import requirement_retire
from portal.people.models import StaffChange
from portal.reports.kept import day_keep
from portal.reports.organisation import organisation_report
from portal.reports.team import team_matrix
from portal.reports.trend import month_ends, trend
from tests import factories
from tests.dbrole import as_owner


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def test_retiring_leaves_live_figures_and_keeps_earlier_reports(db):
    root = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=root)
    for _ in range(2):
        factories.make_staff(team=wards, start_date=datetime.date(2020, 1, 1))
    kept = factories.make_requirement(name="Fire safety")
    retired = factories.make_requirement(name="Old course")
    with as_owner():  # on the roster long ago; only the owner may rewrite the roster's history
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=400))
    refresh()

    requirement_retire(requirement=retired, user=factories.make_user(), reason="Replaced by Fire safety")

    live = organisation_report(root, today=timezone.localdate())
    assert live.requirements == [kept]
    day_keep(yesterday())
    before = organisation_report(root, as_at=yesterday(), today=timezone.localdate())
    assert before.requirements == [kept, retired]
    assert before.totals[retired.pk].required == 2
    assert team_matrix([wards], Moment.end_of(yesterday())).requirements == [kept, retired]
    assert team_matrix([wards]).requirements == [kept]
    last_month = month_ends(timezone.localdate())[-1]
    day_keep(last_month)
    points, _ = trend(timezone.localdate())
    assert next(point for point in points if point.day == last_month).figure.required == 4  # two people, both
