"""The daily reminders and the weekly digest go only to people who can still sign in and act on them, and list only
what the recipient may see now. An account closed by hand (the person still on the roster, in post) gets no reminder,
no digest and no escalation; a manager whose assignment has ended gets no digest, and a manager who still manages one
of two teams hears only about that team's people. A manager's "remind" on the team page skips a closed account too, and
says so. (Leavers, and line managers who have left: test_reminders.py.)"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.reports.conftest import client_for

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=28)  # Monday 2 February 2026: never done, due at the end of the window
SAM, GRACE, HR = "sam@example.nhs.uk", "grace@example.nhs.uk", "hr@example.nhs.uk"


def day(offset: int) -> datetime.date:
    return DUE + datetime.timedelta(days=offset)


@pytest.fixture
def run(monkeypatch):
    """The daily cron run on `on`, at 7am London time."""

    def _run(on: datetime.date):
        moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return reminders_send(on)

    return _run


@pytest.fixture
def people(db):
    """Grace manages Finance and Payroll; Sam (Finance) and Pat (Payroll) report to her; both never did the one
    requirement, due on DUE."""
    finance, payroll = factories.make_team("Finance"), factories.make_team("Payroll")
    grace = factories.make_staff(
        team=finance, first_name="Grace", last_name="Okafor", user=factories.make_user(email=GRACE)
    )
    for team in (finance, payroll):
        TeamManager.objects.create(staff=grace, team=team, started_on=START)
    factories.make_user(email=HR).groups.add(hr_group())
    sam, pat = (
        factories.make_staff(
            team=team,
            first_name=first,
            last_name="Person",
            start_date=START,
            line_manager=grace,
            user=factories.make_user(email=email),
        )
        for team, first, email in ((finance, "Sam", SAM), (payroll, "Pat", "pat@example.nhs.uk"))
    )
    factories.make_requirement(name="Safeguarding Adults Level 1")
    refresh()
    return {"grace": grace, "sam": sam, "pat": pat, "finance": finance, "payroll": payroll}


def _close(staff):
    staff.user.is_active = False
    staff.user.save()


def _sent(run, first: int, last: int) -> list[tuple[int, str, str, str]]:
    """(day offset, stage, recipient, who it is about) of everything sent from day(first) to day(last)."""
    sent = []
    for offset in range(first, last + 1):
        before = set(ReminderLog.objects.values_list("pk", flat=True))
        run(day(offset))
        for log in ReminderLog.objects.exclude(pk__in=before).select_related("staff").order_by("pk"):
            sent.append((offset, log.stage, log.recipient, log.staff.first_name))
    return sent


def _digests(mailoutbox):
    return [m for m in mailoutbox if "to follow up this week" in m.subject]


def test_a_line_manager_whose_account_is_closed_is_not_sent_escalations(people, run):
    _close(people["grace"])
    about_sam = [(offset, stage, to) for offset, stage, to, about in _sent(run, 0, 60) if about == "Sam"]
    assert about_sam == [(0, "on_due", SAM), (7, "after", SAM), (28, "hr", HR)]  # HR hears instead, as if she had left


def test_nobody_whose_account_is_closed_is_sent_their_own_reminders_nor_is_anyone_told_about_them(people, run):
    _close(people["sam"])
    assert [sent for sent in _sent(run, -14, 60) if sent[3] == "Sam"] == []


def test_someone_on_the_roster_with_no_account_is_still_reminded_and_escalated(people, run):
    """No account is not a closed one: the email goes to their work address, as before."""
    for key in ("sam", "grace"):
        people[key].user = None
        people[key].save()
    about_sam = [(offset, stage, to) for offset, stage, to, about in _sent(run, 0, 60) if about == "Sam"]
    assert about_sam == [(0, "on_due", SAM), (7, "after", SAM), (14, "manager", GRACE), (28, "hr", HR)]


def test_a_manager_whose_account_is_closed_gets_no_digest(people, run, mailoutbox):
    _close(people["grace"])
    run(day(7))  # a Monday, Sam and Pat both overdue
    assert _digests(mailoutbox) == []


def test_a_manager_whose_assignments_ended_gets_no_digest(people, run, mailoutbox):
    TeamManager.objects.filter(staff=people["grace"]).update(ended_on=day(7))
    run(day(7))
    assert _digests(mailoutbox) == []


def test_a_digest_lists_only_the_teams_still_managed(people, run, mailoutbox):
    TeamManager.objects.filter(staff=people["grace"], team=people["payroll"]).update(ended_on=day(0))
    run(day(7))
    (digest,) = _digests(mailoutbox)
    assert digest.to == [GRACE] and "Sam Person" in digest.body and "Pat Person" not in digest.body
    assert "1 person to follow up" in digest.subject


def test_a_reminder_by_hand_is_not_sent_to_a_closed_account_and_the_manager_is_told_why(org, mailoutbox):
    """The team page's "remind", for one person or everyone overdue: as the daily run, nothing to a closed account."""
    client = client_for(org["manager"])
    _close(org["sam"])
    response = client.post(reverse("reports:team_remind"), {"staff": org["sam"].pk}, follow=True)
    assert "Not sent to 1 person whose account is closed: they cannot sign in." in response.content.decode()
    everyone = client.post(reverse("reports:team_remind"), {}, follow=True).content.decode()
    assert "Not sent to 1 person whose account is closed" in everyone and "Reminder sent" not in everyone
    assert mailoutbox == [] and not ReminderLog.objects.exists()
