"""The check each email gets as it goes (`reminder_sending.still_due`) asks what the run asked when it chose it: an
account closed while the run sends (by hand, or as a leaver's), or a module taken off the site meanwhile, is no more
reminded of than it would have been had the run read it so. Before, still_due asked only for the due date, an active
requirement and no pause: Sam, whose account HR had just closed, was still emailed that Fire Safety was overdue, and
staff were told to do a module the site no longer showed them."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from portal.compliance import pauses
from portal.compliance.models import ReminderLog, Requirement
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from tests import factories
from tests.compliance.test_reminders import lists_went_on_monday as lists_went_on_monday
from tests.compliance.test_reminders_done_while_sending import DUE, START, at, org, while_sending  # noqa: F401

pytestmark = pytest.mark.usefixtures("lists_went_on_monday")  # Monday's list went; not these tests' business

TUESDAY = DUE + datetime.timedelta(days=8)  # each person's own "overdue", one email each; no weekly list


def test_an_account_closed_while_the_run_sends_is_not_reminded(org, monkeypatch, mailoutbox):  # noqa: F811
    at(TUESDAY, monkeypatch)
    close = lambda: get_user_model().objects.filter(pk=org["sam"].user_id).update(is_active=False)  # noqa: E731
    while_sending(monkeypatch, close)
    reminders_send(TUESDAY)
    assert [message.to for message in mailoutbox] == [["ola@example.nhs.uk"]]
    assert not ReminderLog.objects.filter(staff=org["sam"]).exists()


@pytest.mark.django_db
def test_a_module_taken_off_the_site_while_the_run_sends_is_not_reminded_of(module_page, monkeypatch, mailoutbox):
    sam = factories.make_staff(start_date=START, user=factories.make_user(email="sam@example.nhs.uk"))
    factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    refresh()
    at(TUESDAY, monkeypatch)
    while_sending(monkeypatch, lambda: module_page.unpublish())
    reminders_send(TUESDAY)
    assert mailoutbox == [] and not ReminderLog.objects.filter(staff=sam).exists()


def test_a_reminder_left_for_a_pause_that_began_while_sending_goes_once_the_pause_has_ended(
    org,  # noqa: F811
    monkeypatch,
    mailoutbox,
):
    """Left, not claimed: the claim is made only for an email that goes, so the day after a one-day pause the run
    reminds Sam, once."""
    hr = factories.make_user(email="hana@example.nhs.uk")
    pause = lambda: pauses.pause_add(  # noqa: E731
        staff=org["sam"], requirements=None, reason_code=pauses.MATERNITY, first_day=TUESDAY, last_day=TUESDAY, user=hr
    )
    at(TUESDAY, monkeypatch)
    while_sending(monkeypatch, pause)
    reminders_send(TUESDAY)
    assert [message.to for message in mailoutbox] == [["ola@example.nhs.uk"]]
    assert not ReminderLog.objects.filter(staff=org["sam"]).exists()
    monkeypatch.undo()
    wednesday = TUESDAY + datetime.timedelta(days=1)
    at(wednesday, monkeypatch)
    reminders_send(wednesday)
    reminders_send(wednesday)
    lists = "to follow up this week"  # undo() above let Wednesday's run send the list Monday's is taken to have sent
    assert [message.to for message in mailoutbox if lists not in message.subject] == [
        ["ola@example.nhs.uk"],
        ["sam@example.nhs.uk"],
    ]
    assert ReminderLog.objects.filter(staff=org["sam"], stage="after").count() == 1
