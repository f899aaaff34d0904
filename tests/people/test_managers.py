"""Team managers, through their services: several per team, each from a start date until an end date, added and
ended with a reason, audited once (with the reason), and the manager's sessions end at each change. Only current
managers see a team."""

import datetime

import pytest
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.people.managers import ManagerError, staff_by_employee_number, team_manager_add, team_manager_end
from portal.people.models import TeamManager
from portal.people.roles import teams_managed_by
from tests import factories

DAY = datetime.timedelta(days=1)
IN_THREE_YEARS = "three years from today"


@pytest.fixture
def org(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation)
    return {
        "wards": wards,
        "grace": factories.make_staff(team=wards, first_name="Grace", last_name="Lead"),
        "omar": factories.make_staff(team=wards, first_name="Omar", last_name="Deputy"),
        "hr": factories.make_user(first_name="Hana", last_name="HR"),
    }


def _add(org, who="grace", started_on=None, reason="New ward manager"):
    """Adds a manager from today unless told another day (today read now, not when the file was imported)."""
    started_on = started_on or timezone.localdate()
    return team_manager_add(team=org["wards"], staff=org[who], started_on=started_on, reason=reason, user=org["hr"])


def _epoch(staff) -> int:
    staff.user.refresh_from_db()
    return staff.user.session_epoch


def test_a_team_has_several_managers_each_audited_once_with_the_reason(org):
    epoch = _epoch(org["grace"])
    _add(org)
    _add(org, "omar", reason="Deputy")

    assert teams_managed_by(org["grace"].user) == [org["wards"]] == teams_managed_by(org["omar"].user)
    assert _epoch(org["grace"]) == epoch + 1  # signed out, to sign in again with the new access
    events = AuditEvent.objects.filter(action__in=[AuditEvent.MANAGER_CHANGED, AuditEvent.ROLE_CHANGED])
    assert sorted(events.values_list("action", "detail__reason")) == [
        (AuditEvent.MANAGER_CHANGED, "Deputy"),
        (AuditEvent.MANAGER_CHANGED, "New ward manager"),
    ]
    assert events.filter(detail__reason="Deputy").get().actor == org["hr"]


def test_a_manager_starting_later_sees_nothing_until_then(org):
    today = timezone.localdate()
    _add(org, started_on=today + DAY)
    assert teams_managed_by(org["grace"].user) == []
    assert TeamManager.objects.current(on=today + DAY).get().staff == org["grace"]


def test_an_ended_manager_no_longer_sees_the_team_and_the_row_is_kept(org):
    today = timezone.localdate()
    link = _add(org, started_on=today - 30 * DAY)
    epoch = _epoch(org["grace"])

    team_manager_end(manager=link, ended_on=today, reason="Left the post", user=org["hr"])

    assert teams_managed_by(org["grace"].user) == []
    assert TeamManager.objects.get(pk=link.pk).ended_on == today
    assert _epoch(org["grace"]) == epoch + 1
    event = AuditEvent.objects.get(action=AuditEvent.MANAGER_CHANGED, detail__change="ended")
    assert event.detail["reason"] == "Left the post" and "stops managing Wards" in event.scope
    assert not AuditEvent.objects.filter(action=AuditEvent.ROLE_CHANGED).exists()
    _add(org, reason="Back again")  # and may be made manager again
    assert teams_managed_by(org["grace"].user) == [org["wards"]]


def test_a_change_made_round_the_service_is_still_audited_by_the_receiver(org):
    TeamManager.objects.create(staff=org["grace"], team=org["wards"])
    assert AuditEvent.objects.get(action=AuditEvent.ROLE_CHANGED).scope == "Grace Lead now manages Wards"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "  "}, "Give the reason"),
        ({"reason": "x" * 1001}, "1000 characters or fewer"),
        ({"reason": "Cover\u202e"}, r"U\+202E"),
        ({"started_on": datetime.date(1900, 1, 1)}, "The start date must be between"),
        ({"started_on": IN_THREE_YEARS}, "The start date must be between"),
    ],
)
def test_bad_input_is_refused_and_nothing_changes(org, change, message):
    if change.get("started_on") == IN_THREE_YEARS:  # today three years on, read in the test, not at import
        today = timezone.localdate()
        change = {"started_on": today.replace(year=today.year + 3)}
    with pytest.raises(ManagerError, match=message):
        _add(org, **change)
    assert not TeamManager.objects.exists() and not AuditEvent.objects.exists()


def test_someone_already_managing_a_leaver_or_a_closed_team_is_refused(org):
    today = timezone.localdate()
    _add(org)
    with pytest.raises(ManagerError, match="Grace Lead already manages Wards"):
        _add(org)
    org["omar"].leave_date = today - 10 * DAY
    org["omar"].save()
    with pytest.raises(ManagerError, match=r"Omar Deputy \(E\d+\) has left"):
        _add(org, "omar")
    org["wards"].closed_on = today
    org["wards"].save()
    with pytest.raises(ManagerError, match="Wards is closed"):
        _add(org, "omar")
    assert TeamManager.objects.count() == 1


def test_an_end_before_the_start_or_a_second_end_is_refused(org):
    today = timezone.localdate()
    link = _add(org, started_on=today - 5 * DAY)
    with pytest.raises(ManagerError, match="on or after the day they started"):
        team_manager_end(manager=link, ended_on=today - 6 * DAY, reason="Mistake", user=org["hr"])
    team_manager_end(manager=link, ended_on=today, reason="Left", user=org["hr"])
    with pytest.raises(ManagerError, match="already stopped managing Wards"):
        team_manager_end(manager=link, ended_on=today, reason="Left", user=org["hr"])
    assert AuditEvent.objects.filter(detail__change="ended").count() == 1


def test_a_person_is_found_by_employee_number_or_the_number_is_named(org):
    assert staff_by_employee_number(f" {org['grace'].employee_number.lower()} ") == org["grace"]
    with pytest.raises(ManagerError, match="Nobody has the employee number 'E404'"):
        staff_by_employee_number("E404")
    with pytest.raises(ManagerError, match="Enter the person's employee number"):
        staff_by_employee_number("")
