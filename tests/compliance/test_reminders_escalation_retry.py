# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""An escalation that did not reach one of those it goes to is tried again on the next run, and never sent twice to
whoever had it. The manager stage goes to each manager of the person's team when they have no line manager who sees
them, and HR's to every HR officer: each is its own claim. Before, the stage counted as sent once it reached any one
of them, so an HR officer whose mailbox was full that morning (a 4xx: try later) never heard, though the run said
'the next run tries them again'. A missing recipient is tried again for RETRY_DAYS after the stage first went; someone
who becomes a manager or joins HR after that is not sent old escalations."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance.models import ReminderLog
from portal.compliance.reminders import RETRY_DAYS
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories
from tests.compliance.test_reminders import GRACE, HR, SAM, START, daily, day, org, run  # noqa: F401

HR2, HUGO = "hr2@example.nhs.uk", "hugo@example.nhs.uk"
FULL = set()  # the addresses whose mailbox is full today


class FullMailboxBackend(LocmemBackend):
    """The server takes every email but those to a full mailbox, which it refuses for now (452)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            full = {address: (452, b"4.2.2 mailbox full") for address in message.to if address in FULL}
            if full:
                raise smtplib.SMTPRecipientsRefused(full)
        return super().send_messages(email_messages)


@pytest.fixture
def mailboxes(settings):
    FULL.clear()
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_escalation_retry.FullMailboxBackend"
    yield FULL
    FULL.clear()


def _hr_officer(email):
    factories.make_user(email=email).groups.add(hr_group())


def _run(run, offset):
    """The run on day(offset), its counts without the weekly list (the due date, and so every seventh day, is a
    Monday)."""
    return {stage: count for stage, count in run(day(offset)).items() if stage != "digest"}


def _escalations(outbox, stage_words):
    return sorted(message.to[0] for message in outbox if stage_words in message.subject)


def test_an_hr_officer_whose_mailbox_was_full_gets_the_escalation_on_the_next_run(org, run, mailboxes, mailoutbox):
    _hr_officer(HR2)
    daily(run, 0, 27)
    mailboxes.add(HR2)
    assert _run(run, 28) == {"hr": 1, "not_sent": 1}
    mailboxes.clear()
    assert _run(run, 29) == {"hr": 1}
    assert daily(run, 30, 40) == {}
    assert _escalations(mailoutbox, "Escalation:") == sorted([HR, HR2])  # each once
    assert sorted(ReminderLog.objects.filter(stage="hr").values_list("recipient", flat=True)) == sorted([HR, HR2])


def test_a_team_manager_whose_mailbox_was_full_gets_the_escalation_on_the_next_run(org, run, mailboxes, mailoutbox):
    org["sam"].line_manager = None  # so the managers of his team are told: Grace and Hugo
    org["sam"].save()
    hugo = factories.make_staff(team=org["sam"].team, first_name="Hugo", user=factories.make_user(email=HUGO))
    TeamManager.objects.create(staff=hugo, team=org["sam"].team, started_on=START)
    daily(run, 0, 13)
    mailboxes.add(HUGO)
    assert _run(run, 14) == {"manager": 1, "not_sent": 2}  # Hugo's escalation, and his weekly list
    mailboxes.clear()
    assert _run(run, 15) == {"manager": 1}
    assert _escalations(mailoutbox, "is overdue with") == [GRACE, HUGO]
    assert daily(run, 16, 40) == {28: [("hr", HR)]}  # HR's day is set by the stage's first sending, as before


def test_the_line_manager_whose_mailbox_was_full_is_told_the_next_day_and_hr_waits_for_it(org, run, mailboxes):
    daily(run, 0, 13)
    mailboxes.add(GRACE)
    assert daily(run, 14, 14) == {}  # her mailbox refused it (and her weekly list): nothing recorded
    mailboxes.clear()
    assert daily(run, 15, 40) == {15: [("manager", GRACE)], 29: [("hr", HR)]}


def test_whoever_joins_hr_after_the_retry_days_is_not_sent_old_escalations(org, run, mailboxes, mailoutbox):
    daily(run, 0, 28)
    _hr_officer(HR2)
    assert daily(run, 28 + RETRY_DAYS, 28 + RETRY_DAYS + 7) == {}
    assert _escalations(mailoutbox, "Escalation:") == [HR]


def test_a_person_told_is_not_told_again(org, run, mailboxes, mailoutbox):
    _hr_officer(HR2)
    daily(run, 0, 40)
    assert _escalations(mailoutbox, "Escalation:") == sorted([HR, HR2])
    assert [message.to for message in mailoutbox].count([SAM]) == 2  # on the due date, and overdue
