"""A leaver counts through their last day of service: ESR's termination date is the last day worked."""

import datetime

from django.test import Client
from django.utils import timezone

from portal.compliance import projection
from portal.compliance.asat import Moment, statuses_as_at
from portal.compliance.models import RequirementStatus
from portal.compliance.roster import roster_apply
from portal.people.models import StaffChange, StaffMember
from portal.people.roster import plan_roster
from tests import factories
from tests.people.conftest import roster_csv, row, teams  # noqa: F401 (fixtures)

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def test_on_the_leave_date_the_person_is_still_current_and_the_day_after_they_are_not(db):
    staff = factories.make_staff(leave_date=TODAY)
    assert not staff.has_left(TODAY) and staff.has_left(TODAY + datetime.timedelta(days=1))
    assert list(StaffMember.objects.current(on=TODAY)) == [staff]
    assert not StaffMember.objects.current(on=TODAY + datetime.timedelta(days=1)).exists()


def test_the_projection_and_the_as_at_report_count_them_on_their_last_day(db):
    factories.make_requirement()
    leaving_today = factories.make_staff(leave_date=TODAY)
    left_yesterday = factories.make_staff(leave_date=YESTERDAY)
    projection.refresh()
    assert set(RequirementStatus.objects.values_list("staff_id", flat=True)) == {leaving_today.pk}
    as_at_today = {facts.staff_id for facts, _ in statuses_as_at(Moment.now())}
    assert as_at_today == {leaving_today.pk}
    StaffChange.objects.update(recorded_at=timezone.now() - datetime.timedelta(days=10))  # on the roster since then
    as_at_yesterday = {facts.staff_id for facts, _ in statuses_as_at(Moment.end_of(YESTERDAY))}
    assert as_at_yesterday == {leaving_today.pk, left_yesterday.pk}


def test_a_roster_leave_date_of_today_is_not_a_leaver_yet_and_they_can_still_sign_in(roster_csv, teams):
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()))
    staff = StaffMember.objects.get()
    staff.user.set_password("a long password 2026")
    staff.user.save()
    today = TODAY.strftime("%d/%m/%Y")
    plan = plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"], leave=today)).encode())
    assert plan.leavers == [] and plan.can_apply
    roster_apply(plan)
    staff.refresh_from_db()
    assert staff.leave_date == TODAY and staff.user.is_active
    client = Client()
    client.post("/accounts/login/", {"login": staff.work_email, "password": "a long password 2026"})
    assert client.get("/training/").status_code == 200
    yesterday = YESTERDAY.strftime("%d/%m/%Y")
    plan = plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"], leave=yesterday)).encode())
    assert [s.employee_number for s in plan.leavers] == ["1001"]
