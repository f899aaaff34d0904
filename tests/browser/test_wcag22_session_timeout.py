"""WCAG 2.2.1 (timing adjustable), which axe cannot check: a person working through a module who has done nothing the
portal can see for 28 minutes (reading a long scenario, answering a quiz) is warned that they will be signed out in 2
minutes, in a modal dialog that takes focus, and stays signed in with a button or Escape, without leaving the page or
losing what they have ticked. If the time runs out, the dialog says they have been signed out and offers to sign in
again. The page's clock is run on by Playwright; the server's session is real."""

from importlib import import_module

from django.conf import settings
from playwright.sync_api import expect

from portal.accounts import sessions
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in

pytestmark = BROWSER_DB

MINUTE = 60 * 1000


def test_a_person_is_warned_before_the_session_ends_and_can_stay_signed_in(page, live_server, site, axe_check):
    module = factories.make_module(policy=factories.make_policy(parent=site))
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    page.clock.install()
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}{module.url}")
    page.get_by_label("Option 2").first.check()  # half-way through the first scenario
    dialog = page.get_by_role("dialog", name="You will be signed out soon")

    page.clock.run_for(27 * MINUTE)
    expect(dialog).to_be_hidden()
    page.clock.run_for(1 * MINUTE + 1000)
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("We will sign you out in 2 minutes")
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    axe_check(page)

    with page.expect_response(lambda r: r.url.endswith("/accounts/session/keep/")) as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 200 and kept.value.json() == {"seconds_left": 30 * 60, "final": False}
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Option 2").first).to_be_checked()  # the page was not left

    page.clock.run_for(28 * MINUTE + 1000)  # warned again 28 minutes after staying
    expect(dialog).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/accounts/session/keep/")):
        page.keyboard.press("Escape")  # Escape stays signed in too
    expect(dialog).to_be_hidden()


def test_when_the_time_runs_out_the_dialog_says_so_and_offers_to_sign_in_again(page, live_server, site, axe_check):
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    page.clock.install()
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/training/")

    page.clock.run_for(30 * MINUTE + 1000)

    dialog = page.get_by_role("dialog", name="You have been signed out")
    expect(dialog).to_be_visible()
    link = dialog.get_by_role("link", name="Sign in again")
    expect(link).to_have_attribute("href", "/accounts/login/?next=/training/")
    expect(link).to_be_focused()
    axe_check(page)


def test_near_the_end_of_the_sessions_lifetime_the_dialog_says_it_cannot_be_put_off(page, live_server, site):
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    page.clock.install()
    sign_in(page, live_server.url, user.email)
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    session[sessions.STARTED] -= sessions.max_seconds() - 3 * 60  # signed in 9 hours 57 minutes ago
    session.save()
    page.goto(f"{live_server.url}/training/")

    page.clock.run_for(1 * MINUTE + 1000)
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_contain_text("because you have been signed in for as long as we allow")
    dialog.get_by_role("button", name="Continue").click()
    expect(dialog).to_be_hidden()

    page.clock.run_for(3 * MINUTE)  # the server's own clock has barely moved: it still counts 3 minutes from now
    ended = page.get_by_role("dialog", name="You have been signed out")
    expect(ended).to_contain_text("because you had been signed in for as long as we allow")


def test_a_tab_left_open_does_not_warn_while_the_person_works_in_another(page, live_server, site):
    """The session is the browser's: a page opened in another tab keeps the person signed in, so the tab left open
    behind it neither warns at its own 28 minutes nor says they were signed out; and "Stay signed in" pressed in one
    tab closes the warning in the others. Each tab is brought to the front before it is used, as a person would."""
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    page.clock.install()  # the context's clock: every tab's
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/training/")
    left_open = page
    page.clock.run_for(20 * MINUTE)

    working = page.context.new_page()
    working.goto(f"{live_server.url}/modules/")  # the server's session has 30 minutes from now, as ever
    page.clock.run_for(8 * MINUTE + 1000)  # 28 minutes after the first tab's page: 8 after the second's
    for tab in (left_open, working):
        tab.bring_to_front()
        expect(tab.get_by_role("dialog")).to_be_hidden()

    page.clock.run_for(5 * MINUTE)  # past the first tab's 30 minutes: its page still counts from the second's
    left_open.bring_to_front()
    expect(left_open.get_by_role("dialog", name="You have been signed out")).to_be_hidden()

    page.clock.run_for(15 * MINUTE)  # 28 minutes after the second tab's page: both warn
    warnings = [tab.get_by_role("dialog", name="You will be signed out soon") for tab in (left_open, working)]
    for tab, warning in zip((left_open, working), warnings, strict=True):
        tab.bring_to_front()
        expect(warning).to_be_visible()
    working.bring_to_front()
    with working.expect_response(lambda r: r.url.endswith("/accounts/session/keep/")):
        warnings[1].get_by_role("button", name="Stay signed in").click()
    for tab, warning in zip((working, left_open), reversed(warnings), strict=True):
        tab.bring_to_front()
        expect(warning).to_be_hidden()
