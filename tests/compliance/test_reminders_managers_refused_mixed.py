# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""Two managers of a team, both passed over as the mail server refused them, but not alike: Grace's address refused
for good (a 5xx: check it in ESR), Ali's mailbox full every day (a 4xx: the address is fine, the mailbox is not
taking email). Before, HR's email said of both what it would say had both been refused for good ("the mail server
refused these addresses ... Please check it in ESR"): HR would look in ESR for a fault in Ali's address that is not
there, and nobody would tell Ali their mailbox is full. Now each is named with what happened to their address, in the
email about one person and in HR's list of several."""

import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from portal.compliance.escalation import Escalation
from portal.compliance.models import ReminderRefusal
from portal.compliance.projection import refresh
from portal.compliance.reminder_refusals import REFUSED_FOR_NOW_AFTER
from portal.people.models import StaffMember, TeamManager
from tests import factories
from tests.compliance.test_reminders import GRACE, HR, NURSES, SAM, START, daily, org, run  # noqa: F401

ALI = "ali@example.nhs.uk"
ANSWERS = {GRACE: (550, b"5.1.1 mailbox unavailable"), ALI: (452, b"4.2.2 mailbox full")}


class RefusesBothManagersBackend(LocmemBackend):
    """The server takes everyone's email but Grace's (refused for good) and Ali's (refused for now)."""

    def send_messages(self, email_messages):
        for message in email_messages:
            refused = {address: ANSWERS[address] for address in message.to if address in ANSWERS}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(email_messages)


@pytest.fixture
def two_managers_refused(org, settings):
    """Sam has no line manager: the escalation goes to the managers of Finance, Grace and Ali."""
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_managers_refused_mixed.RefusesBothManagersBackend"
    sam = org["sam"]
    sam.line_manager = None
    sam.save(update_fields=["line_manager"])
    ali = factories.make_staff(team=sam.team, first_name="Ali", last_name="Khan", user=factories.make_user(email=ALI))
    TeamManager.objects.create(staff=ali, team=sam.team, started_on=START)
    refresh()
    return org


def _to_hr(mailoutbox):
    (message,) = [message for message in mailoutbox if message.to == [HR]]
    return message.body


def test_hr_is_told_of_each_manager_what_happened_to_their_address(two_managers_refused, run, mailoutbox):
    assert daily(run, 0, 40) == {0: [("on_due", SAM)], 7: [("after", SAM)], 28: [("hr", HR)]}
    assert {(row.recipient, row.for_good) for row in ReminderRefusal.objects.filter(stage="manager")} == {
        (GRACE, True),
        (ALI, False),
    }
    body = " ".join(_to_hr(mailoutbox).split())  # the sentences as read, whatever the wrapping
    assert (
        "Managers of their team: Grace Okafor (grace@example.nhs.uk): the mail server refused this address; "
        f"Ali Khan (ali@example.nhs.uk): the mail server did not take email for this address on any of the "
        f"{REFUSED_FOR_NOW_AFTER} days we tried (it said to try later: a full mailbox, say), so the escalation did "
        "not reach them" in body
    ), body
    assert (
        "We could not tell their team's managers: the mail server refused the address of Grace Okafor each time we "
        f"tried, and the mailbox of Ali Khan did not take our email on any of the {REFUSED_FOR_NOW_AFTER} days we "
        "tried. Please check the address of Grace Okafor in ESR, tell them both yourself, and tell Ali Khan that their "
        "mailbox is not taking email." in body
    ), body
    assert "these addresses" not in body  # neither is said of both


def test_hrs_list_of_several_names_each_manager_with_what_happened(two_managers_refused, run, mailoutbox):
    factories.make_staff(
        team=two_managers_refused["sam"].team,
        first_name="Kit",
        last_name="Lee",
        staff_group=NURSES,
        start_date=START,
        user=factories.make_user(email="kit@example.nhs.uk"),
    )
    refresh()
    daily(run, 0, 40)
    (message,) = [message for message in mailoutbox if message.to == [HR]]
    body = " ".join(message.body.split())
    assert "Kit Lee" in body and "Sam O'Neill" in body, body  # one email about both
    expected = (
        "Managers of their team: Grace Okafor (grace@example.nhs.uk): the mail server refused this address; "
        f"Ali Khan (ali@example.nhs.uk): the mail server did not take email for this address on any of the "
        f"{REFUSED_FOR_NOW_AFTER} days we tried (it said to try later: a full mailbox, say), so the escalation did "
        "not reach them. Please check the address of Grace Okafor in ESR, tell them both yourself, and tell Ali Khan "
        "that their mailbox is not taking email"
    )
    assert body.count(expected) == 2, body  # against each of them


def test_several_refused_alike_are_spoken_of_as_several():
    grace, bo, ali = (
        StaffMember(first_name=first, last_name=last, work_email=f"{first.lower()}@example.nhs.uk")
        for first, last in (("Grace", "Okafor"), ("Bo", "Li"), ("Ali", "Khan"))
    )
    both_gone = Escalation(refused=[grace, bo])
    assert both_gone.refused_described() == (
        "Grace Okafor (grace@example.nhs.uk), Bo Li (bo@example.nhs.uk): the mail server refused these addresses, so "
        "the escalation did not reach them"
    )
    assert both_gone.refused_why() == "the mail server refused their addresses each time we tried"
    assert both_gone.refused_asked() == "Please check them in ESR, and tell them yourself"
    three = Escalation(refused=[grace, bo, ali], refused_for_now=[ali])
    assert three.refused_why() == (
        "the mail server refused the addresses of Grace Okafor and Bo Li each time we tried, and the mailbox of Ali "
        f"Khan did not take our email on any of the {REFUSED_FOR_NOW_AFTER} days we tried"
    )
    assert three.refused_asked() == (
        "Please check the addresses of Grace Okafor and Bo Li in ESR, tell each of them yourself, and tell Ali Khan "
        "that their mailbox is not taking email"
    )
    told_beside = Escalation(managers=[StaffMember(first_name="Kit", last_name="Lee")], refused=[grace])
    assert told_beside.refused_asked() == "Please check it in ESR"  # someone else was told: HR need not tell them
