"""HR are told, on their pages, when the daily reminder run could not send (the mail server down) or has not run.

The run is the real one (`manage.py send_reminders`, its task run at once), through Django's SMTP backend to a port
where nothing listens; then a mail server that takes everything (tests.smtp_server). Managers and staff never see it.
"""

import datetime
import io
import smtplib
import socket

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import ReminderRun
from portal.people.roles import hr_group
from tests import factories
from tests.reports.conftest import client_for
from tests.smtp_server import SMTP_BACKEND, InMemorySMTP

ORGANISATION = reverse("hr_reports:organisation")
NOT_SENT = "Reminder emails are not being sent"
NOT_RUN = "No reminder run has finished since"
NEVER_RUN = "No reminder run has ever finished"


def _port_nobody_listens_on() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _port_nobody_listens_on()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2


def _mail_back(monkeypatch) -> list:
    """The mail server answers again: Django's SMTP backend now reaches one that takes every email."""
    monkeypatch.setattr(smtplib, "SMTP", InMemorySMTP)
    monkeypatch.setattr(InMemorySMTP, "taken", [])
    return InMemorySMTP.taken


def _daily_run(day: datetime.date | None = None) -> str:
    """The cron line's command, its task run at once (as tests run tasks); what it wrote on stderr."""
    stderr = io.StringIO()
    call_command("send_reminders", *([f"--date={day}"] if day else []), stdout=io.StringIO(), stderr=stderr)
    return stderr.getvalue()


def _page(client, url=ORGANISATION) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_run_that_cannot_reach_the_mail_server_warns_hr_until_a_run_sends(org, hr, home_page, mail_down, monkeypatch):
    assert "could not be sent" in _daily_run()  # what cron would mail, through the server that is down
    run = ReminderRun.objects.get()
    assert run.sent == 0 and run.not_sent >= 3 and run.mail_down == run.not_sent
    assert run.error.startswith("ConnectionRefusedError: ")
    today = timezone.localdate()
    client = client_for(hr)
    for url in (ORGANISATION, "/"):  # HR's report, and the front page HR land on after signing in
        html = _page(client, url)
        assert NOT_SENT in html
        assert f"The daily reminder run for {today:%-d %B %Y} could not reach the mail server" in html
        assert "(ConnectionRefusedError: " in html
        assert f"{run.not_sent} emails were not sent" in html
        assert "Ask your IT team to check the portal&#x27;s mail settings" in html

    taken = _mail_back(monkeypatch)
    assert "could not be sent" not in _daily_run()
    assert taken  # the emails left are sent by the next run
    for url in (ORGANISATION, "/"):
        html = _page(client, url)
        assert NOT_SENT not in html and NOT_RUN not in html and NEVER_RUN not in html


def test_managers_and_staff_never_see_it(org, hr, home_page, mail_down):
    _daily_run()
    assert NOT_SENT in _page(client_for(hr))
    manager, person = client_for(org["manager"]), client_for(org["sam"])
    pages = [
        (manager, reverse("reports:team")),
        (manager, "/"),
        (manager, reverse("reports:my_training")),
        (person, "/"),
        (person, reverse("reports:my_training")),
    ]
    for client, url in pages:
        assert NOT_SENT not in _page(client, url), url


def test_no_run_finished_for_three_days_is_told(org, hr, home_page, mailoutbox, monkeypatch):
    real_now = timezone.now()
    three_days_ago = real_now - datetime.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: three_days_ago)
    _daily_run()
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    html = _page(client_for(hr))
    day = timezone.localtime(three_days_ago).date()
    assert f"{NOT_RUN} {day:%-d %B %Y}" in html
    assert "could not reach the mail server" not in html

    _daily_run()  # today's: the warning goes
    assert NOT_RUN not in _page(client_for(hr))


def test_a_run_two_days_ago_is_not_yet_a_warning(org, hr, mailoutbox, monkeypatch):
    real_now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: real_now - datetime.timedelta(days=1, hours=23))
    _daily_run()
    monkeypatch.setattr(timezone, "now", lambda: real_now)
    assert NOT_RUN not in _page(client_for(hr))


def test_a_portal_whose_reminders_never_ran_is_told(org, hr):
    """The organisation has people and a requirement in force for years: a run is long overdue."""
    assert NEVER_RUN in _page(client_for(hr))


def test_a_new_portal_is_not_told_on_its_first_day(db):
    """No requirement in force for more than 2 days: the first run has not been due yet."""
    team = factories.make_team("Organisation", kind="organisation")
    hr = factories.make_staff(team=team)
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    client = client_for(hr)
    assert NEVER_RUN not in _page(client)  # no requirement yet
    factories.make_requirement(introduced_on=timezone.localdate() - datetime.timedelta(days=1))
    assert NEVER_RUN not in _page(client)  # introduced yesterday: the first run is still to come


class RelayRefusingEveryone(InMemorySMTP):
    """A mail server that answers but takes no email: the portal's account is no longer allowed to relay."""

    def sendmail(self, from_addr, to_addrs, msg):
        raise smtplib.SMTPRecipientsRefused(dict.fromkeys(to_addrs, (550, b"5.7.1 Relaying denied")))


def test_a_server_refusing_every_email_is_told_as_one_that_is_down(org, hr, settings, monkeypatch):
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    monkeypatch.setattr(smtplib, "SMTP", RelayRefusingEveryone)
    _daily_run()
    run = ReminderRun.objects.get()
    assert run.sent == 0 and run.mail_down == 0 and run.not_sent >= 3
    html = _page(client_for(hr))
    assert "The mail server refused every email of the daily reminder run for" in html
    assert "(SMTPRecipientsRefused: " in html and f"{run.not_sent} emails were not sent" in html


def test_the_pages_run_the_same_queries_whatever_the_runs(org, hr, home_page, mail_down, monkeypatch):
    """One query for the warning, whether it shows or not (the organisation report's pin counts it:
    tests/reports/test_organisation.py); HR's front page the same."""
    client = client_for(hr)

    def counts():
        found = []
        for url in (ORGANISATION, "/"):
            with CaptureQueriesContext(connection) as captured:
                _page(client, url)
            found.append(len(captured.captured_queries))
        return found

    never = counts()
    _daily_run()
    down = counts()
    _mail_back(monkeypatch)
    _daily_run()
    assert never == down == counts()
