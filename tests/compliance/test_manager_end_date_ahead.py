"""A manager's assignment can be given an end date ahead ("Grace leaves the ward at the end of next month"). Until
that day it is still theirs, so HR can still end it sooner, and closing the team ends it on the closing day: before,
only assignments with no end date were open to either, so a manager due to stop after a team closed went on seeing
the closed team until then, and HR had no way to bring the day forward."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.compliance.organisation import team_close
from portal.people.managers import ManagerError, team_manager_end
from portal.people.models import TeamManager
from portal.people.roles import hr_group, teams_managed_by
from tests import factories

DAY = datetime.timedelta(days=1)
STARTED = datetime.date(2024, 4, 1)


@pytest.fixture
def org(db):
    organisation = factories.make_team("Organisation", kind="organisation")
    archive = factories.make_team("Archive", parent=organisation)
    grace = factories.make_staff(team=organisation, first_name="Grace", last_name="Lead")
    link = TeamManager.objects.create(
        staff=grace, team=archive, started_on=STARTED, ended_on=timezone.localdate() + 30 * DAY
    )
    hr = factories.make_staff(team=organisation, first_name="Hana", last_name="HR")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    return {"archive": archive, "grace": grace, "link": link, "hr": hr}


def _hr(org) -> Client:
    return factories.sign_in(Client(), org["hr"].user)


def test_closing_the_team_ends_an_assignment_due_to_end_later_on_the_closing_day(org):
    closed_on = timezone.localdate() - 2 * DAY
    assert teams_managed_by(org["grace"].user) == [org["archive"]]

    team_close(team=org["archive"], closed_on=closed_on, user=org["hr"].user)

    assert TeamManager.objects.get(pk=org["link"].pk).ended_on == closed_on
    assert teams_managed_by(org["grace"].user) == []
    closed = AuditEvent.objects.get(action=AuditEvent.TEAM_CHANGED, detail__change="closed")
    assert closed.detail["managers_ended"] == ["Grace Lead"]
    ended = AuditEvent.objects.get(action=AuditEvent.MANAGER_CHANGED, detail__change="ended")
    assert ended.detail["ended_on"] == closed_on.isoformat() and ended.actor == org["hr"].user


def test_an_assignment_over_before_the_closing_is_left_as_it_was(org):
    TeamManager.objects.filter(pk=org["link"].pk).update(ended_on=timezone.localdate() - DAY)
    team_close(team=org["archive"], closed_on=timezone.localdate() - 5 * DAY, user=org["hr"].user)
    assert (
        TeamManager.objects.get(pk=org["link"].pk).ended_on == timezone.localdate() - DAY
    )  # who saw what, then, stays true
    assert not AuditEvent.objects.filter(action=AuditEvent.MANAGER_CHANGED).exists()


def test_the_close_page_names_a_manager_due_to_stop_later(org):
    page = _hr(org).get(reverse("organisation:team_close", args=[org["archive"].pk])).content.decode()
    assert "stop seeing it on" in page and "Grace Lead" in page


def test_hr_ends_an_assignment_sooner_from_the_team_page(org):
    client = _hr(org)
    page = client.get(reverse("organisation:team", args=[org["archive"].pk])).content.decode()
    due = timezone.localdate() + 30 * DAY
    assert f"{due.day} {due:%b} {due.year} (to stop)" in page and "(stopped)" not in page
    assert reverse("organisation:manager_end", args=[org["link"].pk]) in page
    form = client.get(reverse("organisation:manager_end", args=[org["link"].pk])).content.decode()
    assert f"They are due to stop managing it on {due.day} {due:%B} {due.year}" in form

    response = client.post(
        reverse("organisation:manager_end", args=[org["link"].pk]),
        {**factories.date_boxes("ended_on", timezone.localdate()), "reason": "Left sooner than planned"},
    )

    assert response.status_code == 302
    assert TeamManager.objects.get(pk=org["link"].pk).ended_on == timezone.localdate()
    assert teams_managed_by(org["grace"].user) == []
    event = AuditEvent.objects.get(action=AuditEvent.MANAGER_CHANGED)
    assert (
        event.detail["reason"] == "Left sooner than planned"
        and event.detail["ended_on"] == timezone.localdate().isoformat()
    )


@pytest.mark.parametrize("offset", [30, 31])
def test_the_same_day_or_a_later_one_is_refused_and_nothing_changes(org, offset):
    due = timezone.localdate() + 30 * DAY
    with pytest.raises(ManagerError, match=f"already stops managing Archive on {due.day} {due:%B} {due.year}"):
        team_manager_end(
            manager=org["link"], ended_on=timezone.localdate() + offset * DAY, reason="Later", user=org["hr"].user
        )
    assert TeamManager.objects.get(pk=org["link"].pk).ended_on == due
    assert not AuditEvent.objects.filter(action=AuditEvent.MANAGER_CHANGED).exists()


def test_an_assignment_that_has_ended_cannot_be_changed(org):
    TeamManager.objects.filter(pk=org["link"].pk).update(ended_on=timezone.localdate())
    with pytest.raises(ManagerError, match="already stopped managing Archive"):
        team_manager_end(manager=org["link"], ended_on=timezone.localdate() - DAY, reason="Sooner", user=org["hr"].user)
    page = _hr(org).get(reverse("organisation:team", args=[org["archive"].pk])).content.decode()
    assert "(stopped)" in page and reverse("organisation:manager_end", args=[org["link"].pk]) not in page
