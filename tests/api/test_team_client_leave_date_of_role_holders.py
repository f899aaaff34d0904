"""A client limited to a team may not set or clear the leave date of someone in its teams who holds access beyond
them: the HR role, the CMS's editor rights, or the management of a team outside its teams. A leave date ends that
access (the account closes the day after it, the sign-in refuses them from then), and clearing one gives it back;
who holds those roles is HR's to change, another officer's, with a reason (people.hr_roles), never the person's
team's integration. Before, Finance's client could give Finance's HR officer a leave date and end the role. It is
refused (422 rows_rejected, naming the field and why), audited as refused, and changes nothing; a leave date for
someone whose access stays inside the client's teams, one sent unchanged, or one sent by a client not limited to a
team, goes through as before."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.models import ImportBatch
from portal.people.models import StaffMember, TeamManager
from portal.people.roles import hr_group
from tests import factories

from .conftest import roster_row

FINANCE = "finance"


def _leave(days: int = 30) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _editor(org) -> StaffMember:
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    staff = factories.make_staff(team=org["teams"]["finance"], first_name="Eda", last_name="Editor")
    staff.user.groups.add(editors)
    return staff


def _manager_of(org, team: str) -> StaffMember:
    staff = factories.make_staff(team=org["teams"]["payroll"], first_name="Mo", last_name="Manager")
    TeamManager.objects.create(staff=staff, team=org["teams"][team], started_on=datetime.date(2024, 1, 1))
    return staff


def _hr_officer(org, leave_date: datetime.date | None = None) -> StaffMember:
    """An HR officer in Finance (not the one who made the clients, whose own record no client may change at all),
    with `leave_date` on the roster."""
    staff = factories.make_staff(team=org["teams"]["finance"], first_name="Ola", last_name="Officer")
    staff.user.groups.add(hr_group())
    StaffMember.objects.filter(pk=staff.pk).update(leave_date=leave_date)
    staff.refresh_from_db()
    return staff


def _hr_leaving(org) -> StaffMember:
    """An HR officer whose leave date the roster already holds, a month ahead."""
    return _hr_officer(org, timezone.localdate() + datetime.timedelta(days=30))


REFUSED = {
    "an HR officer given a leave date": (_hr_officer, _leave, "the HR role"),
    "a CMS editor given a leave date": (_editor, _leave, "editor rights in the CMS"),
    "a manager of a team outside given a leave date": (
        lambda org: _manager_of(org, "comms"),
        _leave,
        "the management of a team outside this client's teams",
    ),
    "an HR officer's leave date cleared": (_hr_leaving, lambda: None, "the HR role"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_team_client_may_not_end_or_give_back_access_beyond_its_teams(api, org, case):
    person_of, leave_date, role = REFUSED[case]
    person = person_of(org)
    held = person.leave_date
    row = roster_row(person, leave_date=leave_date())

    response = api("post", "/api/v1/roster", FINANCE, {"people": [row]}, key=f"leave-{person.pk}")

    assert response.status_code == 422, response.content
    problem = response.json()
    assert problem["code"] == "rows_rejected"
    [error] = problem["errors"]
    assert error["field"] == "people[0].leave_date"
    assert error["message"] == (
        f"people[0]: leave_date is not this client's to change: they hold {role}, which a leave date ends and "
        "clearing one gives back, and only HR changes who holds it (the organisation's roster, or HR's pages)"
    )
    person.refresh_from_db()
    assert person.leave_date == held and person.user.is_active
    assert not ImportBatch.objects.exists()
    refusal = AuditEvent.objects.get(action=AuditEvent.REFUSED)
    assert (refusal.detail["why"], refusal.detail["api_client"]) == ("rows_rejected", org["clients"][FINANCE].pk)


ALLOWED = {
    "someone with no role": lambda org: org["people"]["fay"],
    "a manager of a team inside": lambda org: _manager_of(org, "payroll"),
}


@pytest.mark.parametrize("case", sorted(ALLOWED))
def test_a_leave_date_for_someone_whose_access_stays_inside_the_teams_goes_through(api, org, case):
    person = ALLOWED[case](org)
    row = roster_row(person, leave_date=_leave())

    response = api("post", "/api/v1/roster", FINANCE, {"people": [row]}, key=f"inside-{person.pk}")

    assert response.status_code == 202, response.content
    person.refresh_from_db()
    assert person.leave_date == timezone.localdate() + datetime.timedelta(days=30)


def test_a_role_holders_leave_date_sent_as_the_roster_holds_it_is_no_change(api, org):
    person = _hr_leaving(org)
    row = roster_row(person, leave_date=person.leave_date.isoformat(), job_title="Senior HR adviser")

    response = api("post", "/api/v1/roster", FINANCE, {"people": [row], "dry_run": True}, key="unchanged")

    assert response.status_code == 200, response.content
    assert not AuditEvent.objects.filter(action=AuditEvent.REFUSED).exists()


def test_a_client_not_limited_to_a_team_may_still_send_an_hr_officers_leave_date(api, org):
    row = roster_row(_hr_officer(org), leave_date=_leave())

    response = api("post", "/api/v1/roster", "roster", {"people": [row], "dry_run": True}, key="whole-org")

    assert response.status_code == 200, response.content
    assert response.json()["can_apply"]


def test_a_leave_date_sent_before_the_person_was_given_the_hr_role_is_not_applied_by_the_worker(api, org, tasks_held):
    """Checked again when the task worker applies it, by the same rule: HR gave Fay the HR role meanwhile."""
    fay = org["people"]["fay"]
    body = {"people": [roster_row(fay, leave_date=_leave())]}
    response = api("post", "/api/v1/roster", FINANCE, body, key="before-the-role")
    assert response.status_code == 202 and response.json()["import"]["status"] == "queued", response.content
    fay.user.groups.add(hr_group())

    held = next(result for result in tasks_held.results if result.args == [response.json()["import"]["id"]])
    assert held.task.call(*held.args) == ImportBatch.FAILED

    error = ImportBatch.objects.get(pk=held.args[0]).error
    assert "people[0]: leave_date is not this client's to change: they hold the HR role" in error
    fay.refresh_from_db()
    assert fay.leave_date is None
