"""A manager switches the team page about a past day between its two clocks by keyboard: "as it was" (everything
known now: a completion recorded since counts from the day it was done) and "as recorded then" (what the portal
showed), with the page saying which in words, and follows a person's link to their page on the same day and clock.
axe-core checks every page, at 320 px too."""

import datetime
import re

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance.projection import refresh
from portal.people.models import StaffChange, TeamManager
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
    manager = _person(wards, "Grace", "Manager")
    TeamManager.objects.create(staff=manager, team=wards)
    sam = _person(wards, "Sam", "Ward")
    _person(wards, "Priya", "Ward")
    requirement = factories.make_requirement(name=REQUIREMENT, renewal_months=12)
    with as_owner():  # the roster's history is never changed: only the owner may (roles.FROZEN_TABLES)
        StaffChange.objects.update(recorded_at=F("recorded_at") - datetime.timedelta(days=400))  # loaded long ago
    refresh()
    # Recorded today, done 100 days ago: a late fact about the past.
    factories.make_completion(sam, requirement, completed_at=timezone.now() - datetime.timedelta(days=100))
    return {"manager": manager}


def _sams_cell(page):
    """Sam's cell for the requirement in the table of everyone (opened first)."""
    if page.locator("details#everyone").get_attribute("open") is None:
        page.locator("details#everyone > summary").focus()
        page.keyboard.press("Enter")
    return page.get_by_role("region", name="People by requirement").get_by_role("row", name=re.compile("^Sam Ward"))


def _show(page):
    """Leave the radios with Tab, onto the Show button, and press it with Enter."""
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show")).to_be_focused()
    page.keyboard.press("Enter")


def test_a_manager_switches_the_team_page_between_the_clocks_by_keyboard(page, live_server, org, axe_check):
    day = timezone.localdate() - datetime.timedelta(days=50)
    sign_in_by_session(page, live_server.url, org["manager"].user)  # a manager needs no authenticator app
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/team/")
    expect(page.get_by_role("heading", name="My team", level=1)).to_be_visible()
    page.locator("summary", has_text="Filter by team, requirement, status or date, or change the clock").focus()
    page.keyboard.press("Enter")
    as_at = page.get_by_role("group", name="As at")
    as_at.get_by_label("Day").focus()
    for box, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):  # the date boxes, by Tab
        expect(as_at.get_by_label(box)).to_be_focused()
        page.keyboard.type(str(value))
        page.keyboard.press("Tab")
    as_it_was = page.get_by_role("radio", name="As it was")
    expect(as_it_was).to_be_checked()  # the default
    as_it_was.focus()
    _show(page)
    expect(page.get_by_text(f"at the end of {day:%-d %B %Y} (in the teams they were in that day)")).to_be_visible()
    expect(page.get_by_text("Shown as it was, from everything we know now")).to_be_visible()
    expect(_sams_cell(page)).to_contain_text("Compliant")
    axe_check(page)

    page.get_by_role("radio", name="As it was").focus()
    page.keyboard.press("ArrowDown")  # the next radio in the group, chosen as the focus moves
    expect(page.get_by_role("radio", name="As recorded then")).to_be_checked()
    _show(page)
    expect(page.get_by_text("Shown as recorded at the time: what the portal showed then")).to_be_visible()
    expect(page.get_by_role("radio", name="As recorded then")).to_be_checked()
    for box, value in (("Day", day.day), ("Month", day.month), ("Year", day.year)):
        expect(page.get_by_role("group", name="As at").get_by_label(box)).to_have_value(str(value))
    expect(_sams_cell(page)).to_contain_text("Overdue")
    axe_check(page)

    # Sam's page keeps the day and the clock; switch it back to as it was there, by keyboard too.
    _sams_cell(page).get_by_role("link", name="Sam Ward").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Sam Ward", level=1)).to_be_visible()
    expect(page.get_by_text("as recorded at the time: what the portal showed then")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(REQUIREMENT)).get_by_text("Overdue")).to_be_visible()
    axe_check(page)

    page.get_by_role("radio", name="As recorded then").focus()
    page.keyboard.press("ArrowUp")
    expect(page.get_by_role("radio", name="As it was")).to_be_checked()
    _show(page)
    expect(page.get_by_text("as it was, from everything we know now")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(REQUIREMENT)).get_by_text("Compliant")).to_be_visible()
    expect(page.get_by_role("heading", name=f"History as it was at the end of {day:%-d %B %Y}")).to_be_visible()
    axe_check(page)

    # A clock that is not one: the error summary names it and takes the keyboard to the radios.
    page.goto(f"{live_server.url}/team/?as_at={day.isoformat()}&basis=yesterday")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Choose “As it was” or “As recorded then”")
    summary.get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="As it was")).to_be_focused()
    axe_check(page)
