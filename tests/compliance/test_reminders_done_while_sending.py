"""The daily run reads what is due first and then sends, one email after another: with thousands to send (each waiting
on the mail server), someone can complete the course, or HR retire it, between the read and their email. Such an
email is not sent: the person would be told they are overdue with training they finished minutes before, and their
line manager or HR told to chase it. Each email is checked against the status as it stands when it goes."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.compliance import reminder_sending
from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.compliance.reminders import messages_due
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_reminders import lists_went_on_monday as lists_went_on_monday

pytestmark = pytest.mark.usefixtures("lists_went_on_monday")  # Monday's list went; not these tests' business

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=28)
NURSES = "Nursing and Midwifery Registered"


@pytest.fixture
def org(db):
    team = factories.make_team("Finance")
    grace = factories.make_staff(team=team, first_name="Grace", user=factories.make_user(email="grace@example.nhs.uk"))
    TeamManager.objects.create(staff=grace, team=team, started_on=START)
    factories.make_user(email="hr@example.nhs.uk").groups.add(hr_group())
    people = [
        factories.make_staff(
            team=team,
            first_name=name,
            staff_group=NURSES,
            start_date=START,
            line_manager=grace,
            user=factories.make_user(email=f"{name.lower()}@example.nhs.uk"),
        )
        for name in ("Sam", "Ola")
    ]
    requirement = factories.make_requirement(name="Fire Safety", applies_to_everyone=False, staff_groups=[NURSES])
    refresh()
    return {"sam": people[0], "ola": people[1], "requirement": requirement}


def at(on: datetime.date, monkeypatch) -> None:
    moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def while_sending(monkeypatch, change) -> None:
    """`change` happens after the run has read what is due, before it sends."""

    def read_then_change(today):
        due = messages_due(today)
        change()
        return due

    monkeypatch.setattr(reminder_sending, "messages_due", read_then_change)


@pytest.mark.parametrize("offset, stage", [(-14, "before"), (0, "on_due"), (7, "after"), (28, "hr")])
def test_someone_who_completes_while_the_run_sends_is_not_reminded(org, monkeypatch, mailoutbox, offset, stage):
    today = DUE + datetime.timedelta(days=offset)
    for earlier in ("after", "manager") if stage == "hr" else ():  # the ladder's steps before HR's, sent already
        ReminderLog.objects.create(
            staff=org["sam"], requirement=org["requirement"], stage=earlier, due_on=DUE, recipient="x@example.nhs.uk"
        )
        ReminderLog.objects.create(
            staff=org["ola"], requirement=org["requirement"], stage=earlier, due_on=DUE, recipient="y@example.nhs.uk"
        )
    at(today, monkeypatch)
    ReminderLog.objects.filter(stage="after").update(sent_at=timezone.now() - datetime.timedelta(days=21))
    ReminderLog.objects.filter(stage="manager").update(sent_at=timezone.now() - datetime.timedelta(days=14))
    done = timezone.now() - datetime.timedelta(minutes=1)
    while_sending(monkeypatch, lambda: factories.make_completion(org["sam"], org["requirement"], done))
    reminders_send(today)
    reminders = [m for m in mailoutbox if "to follow up this week" not in m.subject]  # not Monday's list
    assert [m for m in reminders if "Sam" in m.body or m.to == ["sam@example.nhs.uk"]] == []
    assert len([m for m in reminders if "Ola" in m.body or m.to == ["ola@example.nhs.uk"]]) == 1
    assert not ReminderLog.objects.filter(staff=org["sam"], stage=stage).exists()


def test_a_requirement_retired_while_the_run_sends_is_not_reminded_of(org, monkeypatch, mailoutbox):
    today = DUE + datetime.timedelta(days=1)  # a Tuesday: no weekly list; each person's "due" reminder
    at(today, monkeypatch)

    def retire():
        org["requirement"].active = False
        org["requirement"].save(update_fields=["active"])

    while_sending(monkeypatch, retire)
    reminders_send(today)
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def run_queries(today) -> tuple[int, int]:
    """(emails sent, queries run) by the run on `today`, from nothing sent."""
    ReminderLog.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        sent = sum(reminders_send(today).values())
    return sent, len(captured.captured_queries)


def test_each_email_costs_the_same_queries_however_many_go(org, monkeypatch):
    """Each email: its claim (a savepoint, the insert, its release), the check that it is still due, and its claim
    marked sent once the mail server took it (so that a claim a killed worker left is told from a reminder sent:
    test_reminders_claim_left_unsent). The reading of what is due stays the same whatever the number of people."""
    today = DUE + datetime.timedelta(days=8)  # a Tuesday: each person's own "overdue", one email each
    at(today, monkeypatch)
    counts = []
    for _ in range(3):
        counts.append(run_queries(today))
        factories.make_staff(team=org["sam"].team, staff_group=NURSES, start_date=START)
        refresh()
    (two, first), (three, second), (four, third) = counts
    assert (two, three, four) == (2, 3, 4)
    assert second - first == third - second == 5
