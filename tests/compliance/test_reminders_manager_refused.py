# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A line manager whose work email the mail server refuses for good (a 5xx to the address: the mailbox gone, a typo in
ESR) every day: the escalation about their person never reaches anyone. Before, it was tried every day for ever, and
as HR's stage waits for the manager's to have gone, HR never heard either. Now, once the manager's escalation about a
person's course has been refused on UNDELIVERABLE_AFTER days, the manager is passed over, as one with no usable
address is, and HR's escalation goes on its day, saying that the manager could not be emailed and naming the address.
A server that cannot be reached says nothing about the address: the manager is tried again. A 4xx (try later) is
given more days before the manager is passed over: test_reminders_manager_mailbox_full."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance.models import ReminderRefusal
from portal.compliance.projection import refresh
from portal.compliance.reminders import UNDELIVERABLE_AFTER
from tests import factories
from tests.compliance.test_reminders import GRACE, HR, NURSES, SAM, START, daily, org, run  # noqa: F401

ANSWER = [550, b"5.1.1 mailbox unavailable"]
TRIED = []  # the subjects of the emails to Grace the server refused


class RefusesGraceBackend(LocmemBackend):
    """The server takes everyone's email but Grace's, which it answers with ANSWER (a 5xx: refused for good)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if GRACE in message.to:
                TRIED.append(message.subject)
                raise smtplib.SMTPRecipientsRefused({GRACE: tuple(ANSWER)})
        return super().send_messages(email_messages)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_manager_refused.RefusesGraceBackend"
    ANSWER[:] = [550, b"5.1.1 mailbox unavailable"]
    TRIED.clear()
    yield ANSWER
    ANSWER[:] = [550, b"5.1.1 mailbox unavailable"]


def test_hr_hears_on_its_day_that_the_line_manager_could_not_be_emailed(org, run, refusing, mailoutbox):
    assert daily(run, 0, 40) == {0: [("on_due", SAM)], 7: [("after", SAM)], 28: [("hr", HR)]}
    assert len([subject for subject in TRIED if "is overdue with" in subject]) == UNDELIVERABLE_AFTER
    # Grace's escalation was tried on days 14, 15 and 16, then she was passed over.
    refused = ReminderRefusal.objects.filter(stage="manager")
    assert refused.count() == UNDELIVERABLE_AFTER and {row.recipient for row in refused} == {GRACE}
    (to_hr,) = [message for message in mailoutbox if message.to == [HR]]
    assert (
        "Line manager: Grace Okafor (grace@example.nhs.uk): the mail server refused this address, so the escalation "
        "did not reach them" in to_hr.body
    ), to_hr.body
    assert (
        "We could not tell their line manager: the mail server refused their address each time we tried. Please check "
        "it in ESR, and tell them yourself." in to_hr.body
    )
    assert "We have reminded Sam by email." in to_hr.body  # Sam himself was reached
    assert "nobody else has been told" not in to_hr.body


def test_hrs_list_names_the_manager_who_could_not_be_emailed_against_each_person(org, run, refusing, mailoutbox):
    pat = factories.make_staff(
        team=org["sam"].team, first_name="Pat", staff_group=NURSES, start_date=START, line_manager=org["grace"]
    )
    refresh(staff_ids=[pat.pk])
    daily(run, 0, 28)
    (to_hr,) = [message for message in mailoutbox if message.to == [HR]]
    refused = (
        "Line manager: Grace Okafor (grace@example.nhs.uk): the mail server refused this address, so the escalation "
        "did not reach them. Please check it in ESR, and tell them yourself"
    )
    assert to_hr.body.count(refused) == 2, to_hr.body  # against Sam and against Pat


def test_a_mailbox_full_is_no_refusal_for_good_and_the_manager_is_tried_on_more_days(org, run, refusing, mailoutbox):
    refusing[:] = [452, b"4.2.2 mailbox full"]
    assert daily(run, 0, 20) == {0: [("on_due", SAM)], 7: [("after", SAM)]}
    assert not ReminderRefusal.objects.filter(for_good=True).exists()
    assert len([subject for subject in TRIED if "is overdue with" in subject]) == 5  # days 14 to 18: 5 days, not 3


def test_the_manager_reached_after_refusals_on_fewer_days_is_not_passed_over(org, run, refusing, settings):
    daily(run, 0, 14)
    daily(run, 15, 15)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # ESR's address works again
    assert daily(run, 16, 40) == {16: [("manager", GRACE)], 30: [("hr", HR)]}
