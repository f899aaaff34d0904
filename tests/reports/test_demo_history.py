"""A fresh demo shows a living organisation as it was: every month of the trend has people and completions in it,
leavers count on the days they were in post, the mover sits in their old team before their move, and the pause
shows as paused. "As recorded then" shows none of it: the demo was recorded today."""

import datetime

import pytest
from django.utils import timezone

from portal.compliance.models import StatusInterval
from portal.demo.history import LEAVERS, MOVED_DAYS_AGO, MOVED_FROM, MOVER, PAUSE_DAYS_AGO, PAUSED
from portal.people.models import StaffMember, Team
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.kept import days_keep
from portal.reports.organisation import organisation_report
from portal.reports.trend import month_ends, trend


@pytest.fixture
def demo(demo_loaded, db):
    """The demo, loaded once for this module (tests/conftest.py); each test's changes roll back."""


def _runs_on(staff, day):
    return StatusInterval.objects.filter(StatusInterval.on_q(day), staff=staff)


def test_the_trend_as_it_was_is_full_on_the_first_day_and_as_recorded_then_is_empty(demo):
    points, _ = trend(timezone.localdate(), basis=AS_IT_WAS)
    assert all(point.figure.required and point.figure.compliant for point in points)
    assert len({point.figure.percent for point in points[:-1]}) > 1  # it rises and falls
    days_keep(month_ends(timezone.localdate()))
    then, _ = trend(timezone.localdate(), basis=AS_RECORDED)
    assert all(point.figure.required == 0 for point in then[:-1])


def test_leavers_movers_and_pauses_are_where_they_were(demo):
    root = Team.objects.get(depth=1)
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    left_since = [n for n, *_, left in LEAVERS if left < 365]
    assert left_since
    for number in left_since:
        leaver = StaffMember.objects.get(employee_number=number)
        assert leaver.leave_date < timezone.localdate()
        assert _runs_on(leaver, year_ago).exists()
        assert not _runs_on(leaver, timezone.localdate()).exists()
    as_it_was = organisation_report(root, as_at=year_ago, today=timezone.localdate(), basis=AS_IT_WAS)
    assert as_it_was.overall.required > 0
    assert (
        organisation_report(root, as_at=year_ago, today=timezone.localdate(), basis=AS_RECORDED).overall.required == 0
    )

    mover = StaffMember.objects.get(work_email=MOVER)
    before = _runs_on(mover, timezone.localdate() - datetime.timedelta(days=MOVED_DAYS_AGO + 30))
    after = _runs_on(mover, timezone.localdate() - datetime.timedelta(days=MOVED_DAYS_AGO - 30))
    assert {run.team.code for run in before.select_related("team")} == {MOVED_FROM}
    assert {run.team_id for run in after} == {mover.team_id}

    paused = StaffMember.objects.get(work_email=PAUSED)
    during = _runs_on(paused, timezone.localdate() - datetime.timedelta(days=PAUSE_DAYS_AGO - 10))
    assert during.exists() and {run.state for run in during} == {"paused"}
