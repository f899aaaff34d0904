# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A manager's weekly list, due on Monday, when Monday's run did not reach them: the worker was down, or the mail
server did not take it. It goes on the next run that week, once, named for that Monday; the next Monday's goes as
ever. Before, a list was made only on a Monday, so a missed Monday meant no list that week (and the run's 'the next run
sends them all' was not so for the lists)."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance.models import ReminderLog
from tests.compliance.test_reminders import GRACE, day, digests, org, run  # noqa: F401


class RefusesGraceBackend(LocmemBackend):
    def send_messages(self, email_messages):
        if any(GRACE in message.to for message in email_messages):
            raise smtplib.SMTPRecipientsRefused({GRACE: (451, b"4.3.0 try again later")})
        return super().send_messages(email_messages)


def test_a_list_missed_on_monday_goes_on_tuesday_once(org, run, mailoutbox):
    monday = day(7)
    assert monday.weekday() == 0
    run(day(8))  # Tuesday: the worker was down on Monday
    (digest,) = digests(mailoutbox)
    assert digest.to == [GRACE] and "Sam O'Neill" in digest.body
    assert ReminderLog.objects.get(stage="digest").due_on == monday
    for later in range(9, 14):  # the rest of the week
        run(day(later))
    assert len(digests(mailoutbox)) == 1
    run(day(14))  # the next Monday
    assert [log.due_on for log in ReminderLog.objects.filter(stage="digest").order_by("due_on")] == [monday, day(14)]


def test_a_list_the_mail_server_did_not_take_on_monday_goes_on_the_next_run(org, run, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_digest_missed_monday.RefusesGraceBackend"
    run(day(7))
    assert digests(mailoutbox) == [] and not ReminderLog.objects.filter(stage="digest").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run(day(8))
    run(day(9))
    assert len(digests(mailoutbox)) == 1


def test_a_list_sent_on_monday_is_not_sent_again_that_week(org, run, mailoutbox):
    for offset in range(7, 14):
        run(day(offset))
    assert len(digests(mailoutbox)) == 1
