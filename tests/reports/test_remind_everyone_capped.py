""" "Remind everyone overdue" sends each email inside the web request, so it is capped (REMIND_EVERYONE_MAX people):
HR with no team chosen, the whole organisation, once sent every overdue person's email in one request. Past the cap
it is refused with a page saying why and nothing goes; the team page offers the button only up to it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from portal.audit.models import AuditEvent
from portal.compliance.models import ReminderLog
from portal.reports import views_team
from tests import factories
from tests.reports.conftest import client_for

URL = reverse("reports:team_remind")


@pytest.fixture
def cap_of_two(monkeypatch):
    monkeypatch.setattr(views_team, "REMIND_EVERYONE_MAX", 2)


def test_hr_reminding_the_whole_organisation_past_the_cap_is_refused(org, hr, cap_of_two, mailoutbox):
    # Overdue, HR aside: Grace, Felix, Sam and Fay.
    response = client_for(hr).post(URL, {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "No reminder was sent: 4 people are overdue in the teams shown" in page
    assert "this page reminds at most 2" in page
    assert mailoutbox == [] and not ReminderLog.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.REMIND).exists()
    # One team, within the cap, still goes.
    assert client_for(hr).post(URL, {"team": org["digital"].pk}).status_code == 302
    assert [email.to for email in mailoutbox] == [[org["sam"].work_email]]


def test_within_the_cap_the_manager_reminds_their_team_and_nobody_else(org, cap_of_two, mailoutbox):
    assert client_for(org["manager"]).post(URL, {}).status_code == 302
    assert [email.to for email in mailoutbox] == [[org["sam"].work_email]]  # not Grace herself, not Fay in Finance


def test_an_outsider_and_the_person_still_cannot_remind_others_teams(org, cap_of_two, mailoutbox):
    assert client_for(org["other"]).post(URL, {"team": org["comms"].pk}).status_code == 404
    assert client_for(org["sam"]).post(URL, {}).status_code == 403
    assert mailoutbox == []


def test_the_team_page_offers_the_button_only_within_the_cap(org, hr, cap_of_two):
    whole = client_for(hr).get(reverse("reports:team")).content.decode()
    assert "Remind everyone overdue" not in whole
    assert "Too many people are overdue here to remind from this page (at most 2 at a time)" in whole
    digital = client_for(hr).get(reverse("reports:team"), {"team": org["digital"].pk}).content.decode()
    assert "Remind everyone overdue" in digital and "Too many people" not in digital


def test_a_forged_remind_everyone_sends_nothing(org, mailoutbox):
    client = Client(enforce_csrf_checks=True)
    factories.sign_in(client, org["manager"].user)
    assert client.post(URL, {}).status_code == 403  # no token
    page = client.get(reverse("reports:team")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post(URL, {"csrfmiddlewaretoken": token}).status_code == 302
    assert [email.to for email in mailoutbox] == [[org["sam"].work_email]]
