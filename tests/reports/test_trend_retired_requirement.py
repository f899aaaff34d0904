"""The trend may be narrowed to a requirement in force at any time from its first month end to today, one retired
within them too (`requirement_history.requirements_in_force_between`); one never in force then is refused, named.
Months when the chosen requirement was not in force show no percentage (nobody was required), never 0% or 100%."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.models import Requirement, RequirementChange
from portal.compliance.services import requirement_retire
from portal.people.models import StaffChange
from portal.reports.basis import AS_IT_WAS, AS_RECORDED
from portal.reports.kept import day_keep
from portal.reports.trend import month_ends, trend
from tests import factories
from tests.dbrole import as_owner
from tests.reports.conftest import client_for


def _retired_on():
    # at least one month end falls after it, most before
    return timezone.localdate() - datetime.timedelta(days=40)


def _retire_on(requirement: Requirement, day: datetime.date, hr) -> Requirement:
    """Retire `requirement` as if HR had done it on `day`: the history row and the day moved back (only the owner may
    rewrite the history; the model refuses, so plain SQL)."""
    requirement_retire(requirement=Requirement.objects.get(pk=requirement.pk), user=hr.user, reason="Replaced")
    row = RequirementChange.objects.filter(requirement=requirement).latest("pk")
    back = timezone.localdate() - day
    table = RequirementChange._meta.db_table
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET recorded_at = %s, effective_on = %s, retired_on = %s WHERE id = %s",  # noqa: S608
            [row.recorded_at - back, row.effective_on - back, day, row.pk],
        )
    Requirement.objects.filter(pk=requirement.pk).update(retired_on=day)
    return Requirement.objects.get(pk=requirement.pk)


@pytest.fixture
def retired(org, hr):
    """Old Course, retired forty days ago, and Ancient Course, retired before the trend's first month end; the roster
    loaded long ago, so everyone was required to hold both while they were in force."""
    old = factories.make_requirement(name="Old Course")
    ancient = factories.make_requirement(name="Ancient Course")
    projection.refresh()
    with as_owner():  # the roster's history is never changed: only the owner may backdate it
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=500))
    old = _retire_on(old, _retired_on(), hr)
    ancient = _retire_on(ancient, month_ends(timezone.localdate())[0] - datetime.timedelta(days=10), hr)
    projection.refresh()  # the runs as the backdated history gives them
    return {"old": old, "ancient": ancient}


def test_a_requirement_retired_within_the_trend_is_offered_and_one_retired_before_is_not(retired, hr):
    response = client_for(hr).get(reverse("hr_reports:trend"))
    names = [name for _, name in response.context["form"].requirement_options]
    assert "Old Course" in names and "Safeguarding Adults Level 1" in names
    assert "Ancient Course" not in names


def test_a_requirement_never_in_force_in_the_trend_is_refused_by_name(retired, hr):
    response = client_for(hr).get(reverse("hr_reports:trend"), {"requirement": retired["ancient"].pk})
    first = month_ends(timezone.localdate())[0]
    assert response.status_code == 400
    assert f"“Ancient Course” was not in force at any time from {first:%-d %B %Y} to today" in response.content.decode()


@pytest.mark.parametrize("basis", [AS_IT_WAS, AS_RECORDED])
def test_the_trend_of_a_retired_requirement_shows_the_months_it_was_in_force_and_nothing_after(retired, hr, basis):
    response = client_for(hr).get(reverse("hr_reports:trend"), {"requirement": retired["old"].pk, "basis": basis})
    assert response.status_code == 200
    for end in month_ends(timezone.localdate()):
        day_keep(end)  # as recorded, the month ends are kept (the page asks for them in the background)
    points, missing = trend(timezone.localdate(), retired["old"], basis=basis)
    assert not missing
    for point in points[:-1]:
        if point.day < _retired_on():
            assert point.figure.required > 0, point.day  # in force: the organisation's people were required
            assert point.figure.percent == 0, point.day  # and nobody held it
        else:
            assert point.figure.required == 0 and point.figure.percent is None, point.day
    assert points[-1].figure.required == 0 and points[-1].figure.percent is None  # today: retired
    html = client_for(hr).get(reverse("hr_reports:trend"), {"requirement": retired["old"].pk, "basis": basis})
    assert "100%" not in html.content.decode().split("Compliance at the end of each month")[-1]
