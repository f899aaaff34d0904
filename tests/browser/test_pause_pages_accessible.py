"""axe-core on HR's pause pages: the person's pauses, the form to pause with its errors, the change form, the
withdraw page with its error, and the person's page showing "Paused until"."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from portal.compliance import pauses
from portal.compliance.projection import refresh
from portal.people.roles import hr_group
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB


def test_pause_pages_pass_axe(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    team = factories.make_team("Wards")
    nia = factories.make_staff(team=team, first_name="Nia", last_name="Jones")
    factories.make_requirement(name="Fire safety")
    refresh()
    today = timezone.localdate()
    pause = pauses.pause_add(
        staff=nia,
        requirements=None,
        reason_code=pauses.MATERNITY,
        first_day=today,
        last_day=today + datetime.timedelta(days=180),
        user=user,
    )
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/team/people/{nia.pk}/")
    expect(page.get_by_text("Paused until").first).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/pauses/{nia.pk}/")
    expect(page.get_by_role("heading", name="Pauses for Nia Jones")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Pause requirements").click()
    expect(page.get_by_role("heading", name="Pause requirements for Nia Jones")).to_be_visible()
    axe_check(page)
    page.get_by_label("Why is the clock stopping?").select_option("other")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)

    page.goto(f"{live_server.url}/hr/pauses/{nia.pk}/{pause.ref}/change/")
    axe_check(page)

    page.goto(f"{live_server.url}/hr/pauses/{nia.pk}/{pause.ref}/withdraw/")
    axe_check(page)
    page.get_by_role("button", name="Withdraw this pause").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    axe_check(page)


def _tab_to(page, locator, limit=60):
    """Press Tab until `locator` has the focus, as someone with a keyboard only would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("Could not reach the element with the Tab key")


def test_hr_pauses_someone_by_keyboard_alone_typing_the_days_in_the_date_boxes(page, live_server, site, axe_check):
    user = factories.make_user(email="dev@example.nhs.uk", first_name="Dev", last_name="Patel")
    user.groups.add(hr_group())
    factories.with_mfa(user)
    nia = factories.make_staff(team=factories.make_team("Wards"), first_name="Nia", last_name="Jones")
    factories.make_requirement(name="Fire safety")
    refresh()
    first = timezone.localdate()
    last = first + datetime.timedelta(days=90)
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()

    page.goto(f"{live_server.url}/hr/pauses/{nia.pk}/add/")
    expect(page.get_by_role("heading", name="Pause requirements for Nia Jones")).to_be_visible()
    first_day = page.get_by_role("group", name="First day paused")
    last_day = page.get_by_role("group", name="Last day paused (the day before they are expected back)")
    reason = page.get_by_label("Why is the clock stopping?")
    _tab_to(page, reason)
    page.keyboard.type("Career")  # a closed select takes the option typed
    expect(reason).to_have_value(pauses.CAREER_BREAK)
    # Only the first day's month: the button, reached by Tab, sends it; the error summary names what is missing.
    _tab_to(page, first_day.get_by_label("Month"))
    page.keyboard.type(str(first.month))
    _tab_to(page, page.get_by_role("button", name="Pause", exact=True))
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("The first day of the pause must include a day and a year")
    expect(first_day.get_by_label("Month")).to_have_value(str(first.month))  # kept, to put right
    axe_check(page)
    summary.get_by_role("link", name="The first day of the pause must include a day and a year").focus()
    page.keyboard.press("Enter")
    expect(first_day.get_by_label("Day")).to_be_focused()  # the summary's link takes the keyboard to the day box

    page.keyboard.type(str(first.day))
    page.keyboard.press("Tab")
    expect(first_day.get_by_label("Month")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type(str(first.year))
    for box, value in (("Day", last.day), ("Month", last.month), ("Year", last.year)):
        page.keyboard.press("Tab")
        expect(last_day.get_by_label(box)).to_be_focused()
        page.keyboard.type(str(value))
    page.keyboard.press("Enter")  # Enter in a box sends the form
    expect(page.get_by_text("Nia Jones is paused.")).to_be_visible()
    [pause] = pauses.pauses_for_staff(nia)
    assert (pause.reason_code, pause.first_day, pause.last_day) == (pauses.CAREER_BREAK, first, last)
    axe_check(page)
