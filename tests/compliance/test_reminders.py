import datetime
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.compliance.reminders import reminders_send
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=28)
NURSES = "Nursing and Midwifery Registered"  # never done: due at the end of the new-starter window


@pytest.fixture
def setting(db):
    team = factories.make_team("Finance")
    manager = factories.make_staff(
        team=team,
        first_name="Grace",
        work_email="grace@example.nhs.uk",
        user=factories.make_user(email="grace@example.nhs.uk"),
    )
    TeamManager.objects.create(staff=manager, team=team)
    hr_user = factories.make_user(email="hr@example.nhs.uk")
    hr_user.groups.add(hr_group())
    factories.make_staff(user=hr_user, work_email="hr@example.nhs.uk")
    person = factories.make_staff(
        team=team,
        first_name="Sam",
        staff_group=NURSES,
        start_date=START,
        line_manager=manager,
        user=factories.make_user(email="sam@example.nhs.uk"),
        work_email="sam@example.nhs.uk",
    )
    requirement = factories.make_requirement(
        name="Safeguarding Adults Level 1", applies_to_everyone=False, staff_groups=[NURSES]
    )
    refresh()
    return person, manager, requirement


@pytest.mark.parametrize(
    ("day_offset", "stage", "recipient"),
    [
        (-14, "before", "sam@example.nhs.uk"),
        (0, "on_due", "sam@example.nhs.uk"),
        (7, "after", "sam@example.nhs.uk"),
        (14, "manager", "grace@example.nhs.uk"),
        (28, "hr", "hr@example.nhs.uk"),
    ],
)
def test_each_stage_fires_on_its_day_to_the_right_person(setting, mailoutbox, day_offset, stage, recipient):
    sent = reminders_send(DUE + datetime.timedelta(days=day_offset))
    assert sent[stage] == 1
    message = next(m for m in mailoutbox if m.to == [recipient])
    assert "Safeguarding Adults Level 1" in message.subject
    log = ReminderLog.objects.get(stage=stage)
    assert log.recipient == recipient and log.due_on == DUE


def test_nothing_is_sent_before_the_first_stage(setting, mailoutbox):
    reminders_send(DUE - datetime.timedelta(days=20))
    assert mailoutbox == [] and not ReminderLog.objects.exists()


def test_running_twice_sends_nothing_twice(setting, mailoutbox):
    day = DUE + datetime.timedelta(days=7)
    reminders_send(day)
    count = len(mailoutbox)
    reminders_send(day)
    assert len(mailoutbox) == count == ReminderLog.objects.filter(stage__in=["after", "digest"]).count()


def test_the_command_runs_the_task_and_reports(setting):
    out = StringIO()
    call_command("send_reminders", "--date", (DUE + datetime.timedelta(days=7)).isoformat(), stdout=out)
    assert "1 sent" in out.getvalue() or "sent (after: 1" in out.getvalue()
    call_command("send_reminders", "--date", (DUE + datetime.timedelta(days=7)).isoformat(), stdout=out)
    assert ReminderLog.objects.filter(stage="after").count() == 1


def test_leavers_and_people_it_does_not_apply_to_get_nothing(setting, mailoutbox):
    person, _, _ = setting
    person.leave_date = DUE - datetime.timedelta(days=1)
    person.save()
    refresh()
    reminders_send(DUE)
    assert not [m for m in mailoutbox if m.to == ["sam@example.nhs.uk"]]


def test_a_manager_gets_one_digest_a_week(setting, mailoutbox):
    monday = DUE + datetime.timedelta(days=(7 - DUE.weekday()) % 7 + 7)
    assert monday.weekday() == 0
    reminders_send(monday)
    reminders_send(monday)
    digests = [m for m in mailoutbox if "to follow up this week" in m.subject]
    assert len(digests) == 1 and digests[0].to == ["grace@example.nhs.uk"] and "Sam" in digests[0].body


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database for real concurrency")
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_message_once():
    team = factories.make_team("Team")
    for n in range(5):
        factories.make_staff(
            team=team,
            start_date=START,
            user=factories.make_user(email=f"p{n}@example.nhs.uk"),
            work_email=f"p{n}@example.nhs.uk",
        )
    factories.make_requirement()
    refresh()
    day = DUE + datetime.timedelta(days=8)
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        try:
            reminders_send(day)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(mail.outbox) == ReminderLog.objects.count() == 5
