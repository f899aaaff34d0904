# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""The daily run and someone with no work email on record. The team page and the 'Send a reminder' button say no
reminder can go to them (e14a10e, 4f9acb9); the run 'sent' them one anyway: Django sends nothing to an empty
address and says so by sending nothing, so each of Sam's own stages was logged and counted as sent, and Grace, his
manager, read 'We have reminded Sam by email'. Now none of his own stages is logged or counted, his manager and HR
are still told on their days, and are told he has no address instead."""

from portal.compliance.models import ReminderLog
from portal.people.models import StaffMember
from tests.compliance.test_reminders import GRACE, HR, daily, day, org, run  # noqa: F401

NO_ADDRESS = "has no work email address on record"


def test_nothing_is_recorded_as_sent_to_no_address_and_the_ladder_goes_on(org, run, mailoutbox):
    StaffMember.objects.filter(pk=org["sam"].pk).update(work_email="")
    assert daily(run, -30, 60) == {14: [("manager", GRACE)], 28: [("hr", HR)]}
    assert not ReminderLog.objects.filter(recipient="").exists()
    told = {message.to[0]: message.body for message in mailoutbox if "weekly summary" not in message.body}
    assert NO_ADDRESS in told[GRACE] and "We have reminded" not in told[GRACE]
    assert NO_ADDRESS in told[HR] and "We have reminded" not in told[HR]


def test_the_run_counts_nothing_sent_to_no_address(org, run):
    StaffMember.objects.filter(pk=org["sam"].pk).update(work_email="")
    assert "on_due" not in run(day(0))  # (a Monday: the weekly digest goes to Grace)
    assert not ReminderLog.objects.filter(stage="on_due").exists()


def test_the_managers_and_hrs_lists_say_who_has_no_address(org, run, mailoutbox):
    from portal.compliance.projection import refresh
    from tests import factories
    from tests.compliance.test_reminders import NURSES, START

    factories.make_staff(team=org["sam"].team, first_name="Cal", staff_group=NURSES, start_date=START)
    refresh()
    StaffMember.objects.filter(pk=org["sam"].pk).update(work_email="")
    daily(run, -30, 60)
    told = {message.to[0]: message.body for message in mailoutbox if "weekly summary" not in message.body}
    for whom in (GRACE, HR):
        assert f"{org['sam'].full_name} has no work email address on record" in told[whom], told[whom]
    assert "We have reminded each of them by email, except where it says we could not" in told[GRACE]
    assert "(except where it says they have no work email address on record)" in told[HR]
