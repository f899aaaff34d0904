"""A module taken off the site (unpublished in the CMS, or past its expiry date) cannot be done: staff see it as not
available yet. Nobody is reminded of it, nor are their manager or HR told, until it is published again; then the
reminders go on from where they were. A policy off the site is still attested (from the version frozen when it was
published), so it is still reminded of. Before, the daily run emailed staff to complete a module that showed them
"not available yet", and escalated them to their manager and HR for not doing it."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from portal.compliance.models import ReminderLog, Requirement
from portal.compliance.projection import refresh
from portal.compliance.reminder_sending import reminders_send
from portal.compliance.reminders import reminder_by_hand
from portal.people.models import TeamManager
from portal.people.roles import hr_group
from tests import factories

START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=28)  # never done, due at the end of the new-starter window
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def overdue(db, policy, module_page):
    """Sam, in Grace's team since 5 January 2026, has done neither the module nor the policy: both overdue."""
    team = factories.make_team("Finance")
    grace = factories.make_staff(team=team, first_name="Grace", last_name="Okafor")
    TeamManager.objects.create(staff=grace, team=team, started_on=START)
    sam = factories.make_staff(team=team, first_name="Sam", last_name="Taylor", start_date=START, line_manager=grace)
    factories.make_user(email="hr@example.nhs.uk").groups.add(hr_group())
    module = factories.make_requirement(name="Social media module", kind=Requirement.COMPLETE_MODULE, page=module_page)
    attest = factories.make_requirement(name="Social media policy", kind=Requirement.ATTEST_POLICY, page=policy)
    refresh()
    return {"sam": sam, "grace": grace, "module": module, "attest": attest}


@pytest.fixture
def daily_runs(monkeypatch, overdue):
    """The daily run on each day from `first` to `last` days after Sam's due date, at 7am, sending what it sends:
    {(stage, requirement)} of the reminders and escalations about Sam it recorded."""

    def run(first: int, last: int) -> set[tuple[str, str]]:
        before = set(ReminderLog.objects.values_list("pk", flat=True))
        for offset in range(first, last + 1):
            on = DUE + datetime.timedelta(days=offset)
            moment = datetime.datetime.combine(on, datetime.time(7, 0), tzinfo=LONDON)
            monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
            reminders_send(on)
        sent = ReminderLog.objects.exclude(pk__in=before).filter(staff=overdue["sam"])
        return set(sent.values_list("stage", "requirement__name"))

    return run


def test_nobody_is_reminded_of_a_module_off_the_site_and_a_policy_off_it_still_is(
    overdue, daily_runs, module_page, policy
):
    module_page.unpublish()
    policy.unpublish()

    sent = daily_runs(-15, 30)

    assert {name for _, name in sent} == {"Social media policy"}
    assert {stage for stage, _ in sent} == {"before", "on_due", "after", "manager", "hr"}  # the policy's, each


def test_the_reminders_go_on_once_the_module_is_published_again(overdue, daily_runs, module_page):
    module_page.unpublish()
    assert "Social media module" not in {name for _, name in daily_runs(-15, 9)}

    module_page.save_revision().publish()

    assert {stage for stage, name in daily_runs(10, 45) if name == "Social media module"} == {"after", "manager", "hr"}


def test_a_managers_remind_leaves_out_a_module_off_the_site(overdue, module_page):
    today = timezone.localdate()
    module_page.unpublish()

    message = reminder_by_hand(overdue["sam"], sent_by=overdue["grace"].user, today=today)

    assert "Social media policy" in message.body and "Social media module" not in message.body
