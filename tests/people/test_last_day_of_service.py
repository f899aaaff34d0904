"""The roster's leave date is the last day of service: on it the person is not yet a leaver."""

import datetime

from django.test import Client
from django.utils import timezone

from portal.compliance.roster import roster_apply
from portal.people.models import StaffMember
from portal.people.roster import plan_roster
from tests.people.conftest import row


def _yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


def test_a_roster_leave_date_of_today_is_not_a_leaver_yet_and_they_can_still_sign_in(roster_csv, teams):
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()))
    staff = StaffMember.objects.get()
    staff.user.set_password("a long password 2026")
    staff.user.save()
    today = timezone.localdate().strftime("%d/%m/%Y")
    plan = plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"], leave=today)).encode())
    assert plan.leavers == [] and plan.can_apply
    roster_apply(plan)
    staff.refresh_from_db()
    assert staff.leave_date == timezone.localdate() and staff.user.is_active
    client = Client()
    client.post("/accounts/login/", {"login": staff.work_email, "password": "a long password 2026"})
    assert client.get("/training/").status_code == 200
    yesterday = _yesterday().strftime("%d/%m/%Y")
    plan = plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"], leave=yesterday)).encode())
    assert [s.employee_number for s in plan.leavers] == ["1001"]


def test_someone_whose_last_day_has_passed_since_an_earlier_import_is_closed_by_the_next(roster_csv, teams):
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"])).encode()))
    staff = StaffMember.objects.get()
    StaffMember.objects.filter(pk=staff.pk).update(leave_date=_yesterday())  # imported yesterday, their last day
    yesterday = _yesterday().strftime("%d/%m/%Y")
    roster_apply(plan_roster(roster_csv(row("1001", "Ann", "Able", teams["comms"], leave=yesterday)).encode()))
    staff.user.refresh_from_db()
    assert not staff.user.is_active
