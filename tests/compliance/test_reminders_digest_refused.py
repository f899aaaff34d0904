# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""A manager's weekly list sent to an address the mail server refuses for good (a 5xx to the address: the mailbox
gone, a typo in ESR). Before, it was tried again on every run: each run of the week, every week. Now it is treated as
the portal treats other refused addresses: once the list has been refused at an address on UNDELIVERABLE_AFTER (3)
days, it is not tried again at that address; the escalations about their people count their own refusals, as before
(3bec573), so the manager is passed over there too and HR's escalation goes on its day, saying the manager could not be
emailed. A new address in the roster is tried again, and so is the same address LIST_TRIED_AGAIN_AFTER (28 days) after
it last refused the list: an NHSmail account suspended (long leave, say) and restored under the same address gets its
list again, where before it never did."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance.models import ReminderLog, ReminderRefusal
from tests.compliance.test_reminders import GRACE, HR, SAM, daily, day, org, run  # noqa: F401

TRIED = []  # the subjects of the emails to Grace the server refused
LIST = "to follow up this week"


class RefusesGraceBackend(LocmemBackend):
    """The server takes everyone's email but Grace's, which it refuses for good."""

    def send_messages(self, email_messages):
        for message in email_messages:
            if GRACE in message.to:
                TRIED.append(message.subject)
                raise smtplib.SMTPRecipientsRefused({GRACE: (550, b"5.1.1 mailbox unavailable")})
        return super().send_messages(email_messages)


@pytest.fixture
def refusing(settings):
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_digest_refused.RefusesGraceBackend"
    TRIED.clear()


def _lists_tried():
    return [subject for subject in TRIED if LIST in subject]


def test_a_weekly_list_refused_for_good_on_three_days_is_not_tried_again(org, run, refusing):
    daily(run, -29, -15)  # Sam starts on day -28, a Monday, due within the month: on Grace's list each week from then
    assert len(_lists_tried()) == 3  # days -28, -27 and -26, then Grace's address is passed over
    refused = ReminderRefusal.objects.filter(stage="digest")
    assert refused.count() == 3 and {(row.recipient, row.for_good) for row in refused} == {(GRACE, True)}
    assert not ReminderLog.objects.filter(stage="digest").exists()


def test_the_list_stops_and_hr_is_told_on_its_day_as_for_other_refused_managers(org, run, refusing, mailoutbox):
    assert daily(run, -29, 40) == {
        -14: [("before", SAM)],
        0: [("on_due", SAM)],
        7: [("after", SAM)],
        28: [("hr", HR)],
    }
    assert len([subject for subject in TRIED if "is overdue with" in subject]) == 3  # days 14, 15 and 16
    assert len(_lists_tried()) == 5  # days -28, -27 and -26; then 28 days after each last refusal: days 2 and 30
    (to_hr,) = [message for message in mailoutbox if message.to == [HR]]
    assert (
        "Line manager: Grace Okafor (grace@example.nhs.uk): the mail server refused this address, so the escalation "
        "did not reach them" in to_hr.body
    ), to_hr.body
    assert (
        "We could not tell their line manager: the mail server refused their address each time we tried. Please check "
        "it in ESR, and tell them yourself." in to_hr.body
    )


def test_a_new_address_for_the_manager_is_sent_the_list_and_the_escalation(org, run, refusing, mailoutbox):
    daily(run, -29, -20)
    grace = org["grace"]
    grace.work_email = "grace.okafor@example.nhs.uk"  # mended in the roster
    grace.save()
    daily(run, -19, -19)
    assert [message.to for message in mailoutbox if LIST in message.subject] == [[grace.work_email]]
    assert daily(run, -18, 40) == {
        -14: [("before", SAM)],
        0: [("on_due", SAM)],
        7: [("after", SAM)],
        14: [("manager", grace.work_email)],
        28: [("hr", HR)],
    }
    assert len(_lists_tried()) == 3
    (to_hr,) = [message for message in mailoutbox if message.to == [HR]]
    assert "refused" not in to_hr.body


def test_a_list_refused_on_two_days_is_tried_again(org, run, refusing, settings, mailoutbox):
    daily(run, -28, -27)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the mailbox is back
    daily(run, -26, -26)
    assert [message.to for message in mailoutbox if LIST in message.subject] == [[GRACE]]
    assert len(_lists_tried()) == 2


def test_the_same_address_is_tried_again_28_days_after_it_last_refused(org, run, refusing, settings, mailoutbox):
    daily(run, -29, 1)  # refused on days -28, -27 and -26, then passed over
    assert len(_lists_tried()) == 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the account restored, same address
    daily(run, 2, 2)  # 28 days after day -26
    assert [message.to for message in mailoutbox if LIST in message.subject] == [[GRACE]]
    assert ReminderLog.objects.filter(stage="digest", recipient=GRACE, sent_at__isnull=False).count() == 1


def test_refused_again_then_it_waits_another_28_days(org, run, refusing):
    daily(run, -29, 29)
    assert len(_lists_tried()) == 4  # days -28, -27, -26 and 2: not 3 to 29
    daily(run, 30, 30)
    assert len(_lists_tried()) == 5
