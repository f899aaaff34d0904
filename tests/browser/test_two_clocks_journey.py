"""HR switches a report about a past day between its two clocks: "as it was" (everything known now: a completion
recorded since counts on the day it was done) and "as recorded then" (what the portal showed), on the organisation
report and the 12-month trend, with the page saying which in words. axe-core checks every page, at 320 px too."""

import datetime
import re

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import StaffChange
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session
from tests.dbrole import as_owner

pytestmark = BROWSER_DB

REQUIREMENT = "Fire Safety"


def _person(team, first_name, last_name):
    email = f"{first_name}.{last_name}@example.nhs.uk".lower()
    user = factories.make_user(email=email, first_name=first_name, last_name=last_name)
    return factories.make_staff(user=user, team=team)


@pytest.fixture
def org(site):
    organisation = factories.make_team("Organisation", kind="organisation")
    wards = factories.make_team("Wards", parent=organisation)
    sam = _person(wards, "Sam", "Ward")
    _person(wards, "Priya", "Ward")
    hr = _person(wards, "Hana", "Human-Resources")
    hr.user.groups.add(hr_group())
    factories.with_mfa(hr.user)
    requirement = factories.make_requirement(name=REQUIREMENT, renewal_months=12)
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=400))  # loaded long ago
    refresh()
    # Recorded today, done 100 days ago: a late fact about the past.
    factories.make_completion(sam, requirement, completed_at=timezone.now() - datetime.timedelta(days=100))
    return {"hr": hr}


def _compliant_cell(page):
    """The requirement's "Compliant" cell in the By requirement table."""
    return page.get_by_role("row", name=re.compile(f"^{REQUIREMENT} ")).get_by_role("cell").nth(1)


def test_hr_switches_a_past_day_between_as_it_was_and_as_recorded_then(page, live_server, org, axe_check):
    day = timezone.localdate() - datetime.timedelta(days=50)
    sign_in_by_session(page, live_server.url, org["hr"].user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/hr/reports/")
    page.get_by_text("Filter by requirement, staff group or date, or change the clock").click()
    for box, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        page.get_by_role("group", name="As at").get_by_label(box).fill(str(value))
    expect(page.get_by_role("radio", name="As it was")).to_be_checked()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(f"at the end of {day:%-d %B %Y}, against the target")).to_be_visible()
    expect(page.get_by_text("Shown as it was, from everything we know now")).to_be_visible()
    expect(_compliant_cell(page)).to_contain_text("1 of 3")
    axe_check(page)

    page.get_by_role("radio", name="As recorded then").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Shown as recorded at the time: what the portal showed then")).to_be_visible()
    expect(page.get_by_role("radio", name="As recorded then")).to_be_checked()
    expect(_compliant_cell(page)).to_contain_text("0 of 3")
    axe_check(page)

    page.get_by_role("link", name="Compliance over the last 12 months").click()
    expect(page.get_by_role("heading", name="Compliance over the last 12 months")).to_be_visible()
    expect(page.get_by_text("Past months are shown as it was, from everything we know now")).to_be_visible()
    last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    month = page.get_by_role("row", name=re.compile(f"^{last_month:%B %Y} "))
    expect(month).to_contain_text("1 of 3")
    axe_check(page)

    page.get_by_role("radio", name="As recorded then").check()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Past months are shown as recorded at the time")).to_be_visible()
    expect(page.get_by_role("radio", name="As recorded then")).to_be_checked()
    page.reload()  # the month ends not yet kept are worked out in the background on the first visit
    month = page.get_by_role("row", name=re.compile(f"^{last_month:%B %Y} "))
    expect(month).to_contain_text("0 of 3")
    axe_check(page)
