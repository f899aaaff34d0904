"""A leaver counts through their last day of service: ESR's termination date is the last day worked."""

import datetime

from django.utils import timezone

from portal.compliance import projection
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import RequirementStatus
from portal.people.models import StaffChange, StaffMember
from tests import factories
from tests.dbrole import as_owner


def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def test_on_the_leave_date_the_person_is_still_current_and_the_day_after_they_are_not(db):
    staff = factories.make_staff(leave_date=timezone.localdate())
    assert not staff.has_left(timezone.localdate()) and staff.has_left(
        timezone.localdate() + datetime.timedelta(days=1)
    )
    assert list(StaffMember.objects.current(on=timezone.localdate())) == [staff]
    assert not StaffMember.objects.current(on=timezone.localdate() + datetime.timedelta(days=1)).exists()


def test_the_projection_and_the_as_at_report_count_them_on_their_last_day(db):
    factories.make_requirement()
    leaving_today = factories.make_staff(leave_date=timezone.localdate())
    left_yesterday = factories.make_staff(leave_date=yesterday())
    projection.refresh()
    assert set(RequirementStatus.objects.values_list("staff_id", flat=True)) == {leaving_today.pk}
    as_at_today = {facts.staff_id for facts, _ in statuses_as_at(Moment.now())}
    assert as_at_today == {leaving_today.pk}
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=timezone.now() - datetime.timedelta(days=10))  # on the roster since then
    as_at_yesterday = {facts.staff_id for facts, _ in statuses_as_at(Moment.end_of(yesterday()))}
    assert as_at_yesterday == {leaving_today.pk, left_yesterday.pk}
