# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""Sam has no line manager, and Finance has two managers: Grace, whose address the mail server refuses for good, and
Ali, who is away (all his own training paused). The escalation reaches neither, so it goes to HR, and the module's
promise (portal/compliance/escalation.py: "HR are told of the one away, and of those refused") is that HR's email
names both. It named only Ali, and said "we are not telling them until they are back", as if Finance had no other
manager: Grace's refused address was never reported, so nobody checked it in ESR and every later escalation to her
was lost the same way (the templates showed the refused only when nobody was away). So too when Ali was there and
told: HR heard of him, not of Grace. Now HR's email names each, with what the mail server did with Grace's address,
and asks for it to be checked in ESR (found by helper 235's review)."""

import datetime

import pytest

from portal.compliance.models import ReminderRefusal
from portal.compliance.projection import refresh
from portal.people.models import TeamManager
from tests import factories
from tests.compliance.test_reminders import GRACE, HR, SAM, START, daily, day, org, run  # noqa: F401
from tests.compliance.test_reminders_manager_away import pause
from tests.compliance.test_reminders_managers_refused_mixed import ALI

ESTATES = "Estates and Ancillary"  # Ali's staff group: his own training, none of it Sam's nor Grace's


@pytest.fixture
def grace_refused_ali_there(org, settings):
    """Finance's managers: Grace, refused for good (550), and Ali, reached."""
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_manager_refused.RefusesGraceBackend"
    sam = org["sam"]
    sam.line_manager = None
    sam.save(update_fields=["line_manager"])
    ali = factories.make_staff(
        team=sam.team, first_name="Ali", last_name="Khan", staff_group=ESTATES, user=factories.make_user(email=ALI)
    )
    TeamManager.objects.create(staff=ali, team=sam.team, started_on=START)
    own = factories.make_requirement(name="Manual Handling", applies_to_everyone=False, staff_groups=[ESTATES])
    refresh()
    # His own training done in January, as tests/compliance/test_reminders_manager_away.py has Grace's: nothing of his
    # own is due in the run.
    factories.make_completion(ali, own, datetime.datetime(2026, 1, 12, 12, tzinfo=datetime.UTC))
    return {**org, "ali": ali}


@pytest.fixture
def grace_refused_ali_away(grace_refused_ali_there, settings):
    # Grace refused for good (550); Ali's mailbox would be full (452), but he is away, so never tried.
    settings.EMAIL_BACKEND = "tests.compliance.test_reminders_managers_refused_mixed.RefusesBothManagersBackend"
    pause(grace_refused_ali_there["ali"], day(0), day(90))  # every requirement of his: away for the whole run
    return grace_refused_ali_there


def test_hr_is_told_of_the_manager_away_and_of_the_one_whose_address_was_refused(
    grace_refused_ali_away, run, mailoutbox
):
    assert daily(run, 0, 40) == {0: [("on_due", SAM)], 7: [("after", SAM)], 28: [("hr", HR)]}
    assert set(ReminderRefusal.objects.filter(stage="manager").values_list("recipient", "for_good")) == {(GRACE, True)}
    (to_hr,) = [message for message in mailoutbox if message.to == [HR]]
    body = " ".join(to_hr.body.split())
    assert (
        "Managers of their team: Ali Khan (ali@example.nhs.uk), away: all their own training is paused; Grace Okafor "
        "(grace@example.nhs.uk): the mail server refused this address, so the escalation did not reach them" in body
    ), body
    assert (
        "so we are not telling them until they are back. We could not tell Grace Okafor either: the mail server "
        "refused their address each time we tried. Please check it in ESR, and tell them yourself." in body
    ), body


def test_hr_is_told_of_the_manager_refused_beside_the_one_told(grace_refused_ali_there, run, mailoutbox):
    assert daily(run, 0, 40) == {
        0: [("on_due", SAM)],
        7: [("after", SAM)],
        14: [("manager", ALI)],  # and Grace tried on days 14 to 16, refused each time (not sent, not logged)
        28: [("hr", HR)],
    }
    (to_hr,) = [message for message in mailoutbox if message.to == [HR]]
    body = " ".join(to_hr.body.split())
    assert (
        "Managers of their team: Ali Khan (ali@example.nhs.uk); Grace Okafor (grace@example.nhs.uk): the mail server "
        "refused this address, so the escalation did not reach them" in body
    ), body
    assert (
        "We could not tell Grace Okafor: the mail server refused their address each time we tried. Please check it "
        "in ESR." in body
    ), body
