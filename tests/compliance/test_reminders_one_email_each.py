# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""One email per recipient and stage a day, listing what it is about: a new starter with five courses due on the same
day got five reminders at each stage, their line manager five escalations, and HR one escalation for every course of
every person overdue (on the day a new requirement made a whole trust overdue, thousands of emails to each HR
officer). Each line keeps its own once-ever claim, so a second run sends nothing and a failed email is tried again
whole."""

import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from tests import factories
from tests.compliance.test_reminders import (  # noqa: F401 (org, run, lists_went_on_monday: the fixtures)
    GRACE,
    HR,
    NURSES,
    SAM,
    START,
    day,
    lists_went_on_monday,
    org,
    reminders,
    run,
)

pytestmark = pytest.mark.usefixtures("lists_went_on_monday")  # Monday's list went; not these tests' business

COURSES = ["Fire Safety", "Infection Prevention & Control", "Information Governance", "Moving <and> Handling"]


@pytest.fixture
def five(org):
    """Sam has five requirements, all first due on the same day: Safeguarding and four more."""
    for name in COURSES:
        factories.make_requirement(name=name, applies_to_everyone=False, staff_groups=[NURSES])
    refresh()
    return org


def test_a_person_with_five_courses_due_gets_one_email_at_each_stage(five, run, mailoutbox):
    for offset in (-14, 0, 7, 14, 28):
        run(day(offset))
    assert reminders(mailoutbox) == [
        (SAM, "Reminder: 5 pieces of training are due by 2 February 2026"),
        (SAM, "5 pieces of training are due today"),
        (SAM, "5 pieces of training are overdue"),
        (GRACE, "Sam O'Neill is overdue with 5 pieces of training"),
        (HR, f"Escalation: Sam O'Neill ({five['sam'].employee_number}) is overdue with 5 pieces of training"),
    ]
    assert ReminderLog.objects.exclude(stage="digest").count() == 25  # each course's stage is still its own claim
    before, on_due, overdue, to_grace, to_hr = (m.body for m in mailoutbox if "follow up" not in m.subject)
    assert "you need to complete this training:\n\n- Fire Safety: due by Monday 2 February 2026\n" in before
    assert "- Safeguarding Adults Level 1: due today, Monday 2 February 2026" in on_due
    assert "This training is now overdue:" in overdue and "- Information Governance: was due on" in overdue
    for body in (before, on_due, overdue):
        assert body.startswith("Dear Sam,") and "http://127.0.0.1:8000/training/" in body
        assert "\n\n\n" not in body.strip()  # paragraphs one blank line apart
        assert "Infection Prevention & Control" in body and "Moving <and> Handling" in body  # plain text, as typed
    assert to_grace.startswith("Dear Grace,\n\nSam O'Neill, who reports to you, has not yet completed this training:")
    assert "- Moving <and> Handling, due on 2 February 2026" in to_grace
    assert five["sam"].employee_number in to_hr and "Line manager: Grace Okafor (grace@example.nhs.uk)" in to_hr
    assert "- Fire Safety, due on 2 February 2026 (line manager told)" in to_hr


def test_running_again_sends_none_of_the_list_again(five, run, mailoutbox):
    run(day(0))
    count = len(mailoutbox)
    assert run(day(0)) == {} and run(day(1)) == {}
    assert len(mailoutbox) == count


def test_a_course_added_after_the_list_went_goes_on_its_own(five, run, mailoutbox):
    """What is already claimed is left out of the next email: only the new course, in the one-course words."""
    run(day(0))
    factories.make_requirement(name="Basic Life Support", applies_to_everyone=False, staff_groups=[NURSES])
    refresh()
    run(day(1))
    assert reminders(mailoutbox)[-1] == (SAM, "Basic Life Support was due on 2 February 2026")
    assert "\n\n\n" not in mailoutbox[-1].body.strip()  # no blank line left where a policy change would go


def test_a_line_manager_gets_one_escalation_naming_each_of_their_people(org, run, mailoutbox):
    for first in ("Ann", "Zak"):
        factories.make_staff(
            team=org["sam"].team,
            first_name=first,
            last_name="Nurse",
            staff_group=NURSES,
            start_date=START,
            line_manager=org["grace"],
        )
    refresh()
    for offset in (0, 7, 14, 28):
        run(day(offset))
    to_grace = [m for m in mailoutbox if m.to == [GRACE] and "follow up" not in m.subject]
    assert [m.subject for m in to_grace] == ["3 people who report to you are overdue with their training"]
    body = to_grace[0].body
    assert body.index("Ann Nurse") < body.index("Zak Nurse") < body.index("Sam O'Neill")  # by surname
    assert body.count("- Safeguarding Adults Level 1, due on 2 February 2026") == 3
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert to_hr.subject == "Escalation: 3 people are overdue with their training"
    assert to_hr.body.count("Line manager: Grace Okafor") == 3
    assert ReminderLog.objects.filter(stage="manager").count() == ReminderLog.objects.filter(stage="hr").count() == 3
    assert set(ReminderLog.objects.filter(stage="hr").values_list("subject", flat=True)) == {to_hr.subject}


def test_a_long_escalation_list_names_the_first_people_and_counts_the_rest(org, run, mailoutbox, monkeypatch):
    monkeypatch.setattr("portal.compliance.reminder_lists.MAX_PEOPLE", 2)
    for first in ("Ann", "Bea", "Cal"):
        factories.make_staff(team=org["sam"].team, first_name=first, last_name="Aa", staff_group=NURSES)
    refresh()
    for offset in (0, 7, 14, 28):
        run(day(offset))
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert to_hr.subject == "Escalation: 4 people are overdue with their training"
    assert "Ann Aa" in to_hr.body and "Bea Aa" in to_hr.body and "Cal Aa" not in to_hr.body
    assert "And 2 more people, not listed here" in to_hr.body
    assert "http://127.0.0.1:8000/team/" in to_hr.body


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused({SAM: (550, b"mailbox unavailable")})


def test_a_list_that_cannot_be_sent_is_tried_again_whole(five, run, settings, mailoutbox, caplog):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_one_email_each.RefusingBackend"
    assert run(day(0)) == {"not_sent": 2}  # the reminder, and the Monday digest
    assert not ReminderLog.objects.exists() and "Could not send the on_due reminder" in caplog.text
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert run(day(1)) == {"on_due": 1}
    assert reminders(mailoutbox) == [(SAM, "5 pieces of training are due")]
    assert ReminderLog.objects.filter(stage="on_due").count() == 5


def test_a_long_course_name_does_not_stop_the_run(org, run, mailoutbox):
    """A subject longer than the log keeps (255) is kept cut short: on PostgreSQL the insert failed, and with it the
    whole day's run, every day."""
    org["requirement"].name = "Safeguarding " + "and protecting adults at risk " * 6
    org["requirement"].save()
    org["sam"].last_name = "O'Neill-" + "Featherstonehaugh" * 4
    org["sam"].save()
    for offset in (0, 7, 14, 28):
        run(day(offset))
    (to_hr,) = [m for m in mailoutbox if m.to == [HR]]
    assert len(to_hr.subject) > 255
    assert ReminderLog.objects.get(stage="hr").subject == to_hr.subject[:255]
