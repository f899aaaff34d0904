# ruff: noqa: F811 (org and run are the fixtures imported from test_reminders)
"""The daily run and a work email on record that is not an address (typed into the record by hand, or kept from before
the roster checked addresses): Django's SMTP backend cannot read it and raises ValueError before the mail server sees
anything. Before, that ValueError ended the whole run (everyone after the person went unreminded) and left the
person's claim standing, so their reminder counted as sent. Now the person is treated as having no usable address:
nothing goes to them or is recorded for them, the run goes on for everyone else, and their manager and HR are told,
on their days, that the address on record is not one."""

from portal.compliance.models import ReminderLog
from portal.compliance.projection import refresh
from portal.people.models import StaffMember
from tests import factories
from tests.compliance.test_reminders import GRACE, HR, NURSES, SAM, START, daily, day, org, run  # noqa: F401
from tests.smtp_server import bodies, smtp_server  # noqa: F401

BAD = "sam@@example.nhs.uk"
COLLEAGUE = "cal@example.nhs.uk"


def _bad_address(staff, address=BAD):
    StaffMember.objects.filter(pk=staff.pk).update(work_email=address)


def _colleague(org):
    """Cal, due on the same day as Sam: whoever comes after Sam in the run."""
    factories.make_staff(
        team=org["sam"].team, first_name="Cal", last_name="Zeller", staff_group=NURSES, start_date=START
    )
    StaffMember.objects.filter(first_name="Cal").update(work_email=COLLEAGUE)
    refresh()


def test_the_run_goes_on_past_an_address_that_is_not_one_and_records_nothing_for_it(org, run, smtp_server):
    _colleague(org)
    _bad_address(org["sam"])
    assert run(day(0)) == {"on_due": 1, "digest": 1}  # Cal's, and Grace's weekly list; Sam's cannot go: not counted
    assert sorted(recipients[0] for recipients, _ in smtp_server) == [COLLEAGUE, GRACE]
    assert not ReminderLog.objects.filter(staff=org["sam"]).exists()


def test_the_manager_and_hr_are_told_on_their_days_that_the_address_is_not_one(org, run, smtp_server):
    _bad_address(org["sam"])
    assert daily(run, -30, 40) == {14: [("manager", GRACE)], 28: [("hr", HR)]}
    told = {recipients[0]: body for recipients, body in bodies(smtp_server) if "weekly summary" not in body}
    for whom in (GRACE, HR):
        assert f"has no valid work email address on record ({BAD} is not one)" in told[whom], told[whom]
        assert "We have reminded" not in told[whom]


def test_a_blank_address_of_spaces_is_no_address(org, run, smtp_server):
    _bad_address(org["sam"], "   ")
    assert daily(run, -30, 40) == {14: [("manager", GRACE)], 28: [("hr", HR)]}
    assert not ReminderLog.objects.filter(recipient__in=["   ", ""]).exists()


def test_a_manager_whose_address_is_not_one_is_passed_over_to_hr(org, run, smtp_server):
    _bad_address(org["grace"], "grace at example")
    assert daily(run, 0, 40) == {0: [("on_due", SAM)], 7: [("after", SAM)], 28: [("hr", HR)]}
