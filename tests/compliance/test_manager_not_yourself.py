"""Nobody makes themselves a manager of a team, as nobody gives themselves the HR role: a manager sees the records of
everyone in the team and below, is sent their escalations, and keeps that after leaving HR. The organisation page's
form refuses it at the employee number, naming why and who can (another member of HR, or, for the only one who can
sign in, the way out), with nothing saved or audited; another HR officer adds them. Stopping managing a team is
anyone's to record, their own included: it takes access away, and the audit line names who did it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.people.managers import ManagerError, team_manager_add
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.compliance import test_organisation_pages as pages

org, client_for = pages.org, pages.client_for

ASK = "You cannot make yourself a manager of Communications. Ask another member of HR."
THE_WAY_OUT = (
    "You cannot make yourself a manager of Communications, and you are the only member of HR who can sign in, so it "
    "waits until someone else can: give a colleague the HR role on the HR roles page and ask them to do it."
)


def _add(client, team, staff):
    return client.post(
        reverse("organisation:manager_add", args=[team.pk]),
        {
            "employee_number": staff.employee_number,
            **factories.date_boxes("started_on", timezone.localdate()),
            "reason": "Lead",
        },
    )


def _second_hr_officer():
    olu = factories.make_staff(first_name="Olu", last_name="Other")
    olu.user.groups.add(hr_group())
    factories.with_mfa(olu.user)
    return olu


def test_the_only_hr_officer_is_told_the_way_out_and_nothing_is_saved(org):
    response = _add(client_for(org["hr"]), org["comms"], org["hr"])
    assert response.status_code == 400 and THE_WAY_OUT.replace("'", "&#x27;") in response.content.decode()
    assert not TeamManager.objects.filter(staff=org["hr"]).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.MANAGER_CHANGED).exists()


def test_with_a_colleague_in_hr_they_are_told_to_ask_and_the_colleague_adds_them(org):
    olu = _second_hr_officer()
    response = _add(client_for(org["hr"]), org["comms"], org["hr"])
    assert response.status_code == 400 and ASK in response.content.decode()
    assert not TeamManager.objects.filter(staff=org["hr"]).exists()
    assert _add(client_for(olu), org["comms"], org["hr"]).status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.MANAGER_CHANGED)
    assert event.actor == olu.user and event.detail["staff_id"] == org["hr"].pk


def test_the_service_refuses_it_whatever_calls_it(org):
    with pytest.raises(ManagerError, match="You cannot make yourself a manager of Communications"):
        team_manager_add(
            team=org["comms"], staff=org["hr"], started_on=timezone.localdate(), reason="Lead", user=org["hr"].user
        )
    assert not TeamManager.objects.filter(staff=org["hr"]).exists()


def test_stopping_managing_a_team_yourself_is_recorded_with_who_did_it(org):
    olu = _second_hr_officer()
    link = TeamManager.objects.create(staff=org["hr"], team=org["comms"])
    response = client_for(org["hr"]).post(
        reverse("organisation:manager_end", args=[link.pk]),
        {**factories.date_boxes("ended_on", timezone.localdate()), "reason": "Handed over to Sam"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    link.refresh_from_db()
    assert link.ended_on == timezone.localdate()
    event = AuditEvent.objects.get(action=AuditEvent.MANAGER_CHANGED)
    assert event.actor == org["hr"].user and event.detail["staff_id"] == org["hr"].pk
    assert olu.user != event.actor
