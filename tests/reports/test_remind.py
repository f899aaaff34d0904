"""Reminders sent by hand from the team page: one person or everyone overdue, never twice the same day."""

import datetime

from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance.models import ReminderLog
from tests import factories
from tests.reports.conftest import client_for

URL = reverse("reports:team_remind")


def test_a_manager_reminds_one_person_once_a_day(org, mailoutbox):
    client = client_for(org["manager"])
    response = client.post(URL, {"staff": org["sam"].pk}, follow=True)
    assert "Reminder sent to Sam Digital." in response.content.decode()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [org["sam"].work_email]
    assert "Safeguarding Adults Level 1: overdue" in email.body
    assert ReminderLog.objects.get().sent_by == org["manager"].user

    response = client.post(URL, {"staff": org["sam"].pk}, follow=True)
    assert "Not sent again to 1 person reminded earlier today." in response.content.decode()
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action=AuditEvent.REMIND).count() == 1


def test_everyone_overdue_is_reminded_but_not_the_manager_themselves(org, mailoutbox):
    factories.make_completion(org["sam"], org["sam"].statuses.get().requirement)
    extra = factories.make_staff(team=org["digital"], first_name="Ola", last_name="Overdue")
    from portal.compliance.projection import refresh

    refresh(staff_ids=[extra.pk])
    response = client_for(org["manager"]).post(URL, {}, follow=True)
    assert "Reminder sent to Ola Overdue." in response.content.decode()
    assert [email.to for email in mailoutbox] == [[extra.work_email]]  # not Sam (done), not Grace (the sender)


def test_nobody_outside_the_managers_teams_can_be_reminded(org, hr, mailoutbox, client):
    other = client_for(org["other"])
    assert other.post(URL, {"staff": org["sam"].pk}).status_code == 404
    assert other.post(URL, {"staff": org["sam"].pk, "team": org["finance"].pk}).status_code == 404
    assert other.post(URL, {"team": org["comms"].pk}).status_code == 404
    manager = client_for(org["manager"])
    assert manager.post(URL, {"staff": org["leaver"].pk}).status_code == 404
    assert manager.post(URL, {"staff": org["fin"].pk}).status_code == 404
    assert client_for(org["sam"]).post(URL, {"staff": org["manager"].pk}).status_code == 403
    assert client.post(URL, {"staff": org["sam"].pk})["Location"].startswith("/accounts/login/")
    assert manager.get(URL).status_code == 405
    assert mailoutbox == []
    assert client_for(hr).post(URL, {"staff": org["sam"].pk}).status_code == 302  # HR may remind anyone
    assert len(mailoutbox) == 1


def test_a_person_with_nothing_outstanding_gets_no_email(org, mailoutbox):
    factories.make_completion(org["sam"], org["sam"].statuses.get().requirement)
    response = client_for(org["manager"]).post(URL, {"staff": org["sam"].pk}, follow=True)
    assert "1 person has nothing outstanding." in response.content.decode()
    assert mailoutbox == []


def test_a_reminder_goes_again_the_next_day(org, mailoutbox, monkeypatch):
    from django.utils import timezone

    client = client_for(org["manager"])
    client.post(URL, {"staff": org["sam"].pk})
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    client_for(org["manager"]).post(URL, {"staff": org["sam"].pk})  # signed in afresh: sessions expire
    assert len(mailoutbox) == 2
