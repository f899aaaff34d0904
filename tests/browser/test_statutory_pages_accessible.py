"""The accessibility statement, "How we use your information" and "Cookies", with the starting text `setup_site`
writes, pass axe, with JavaScript and without, for someone not signed in; and the footer takes a keyboard user to
each, from the sign-in page, in its order."""

import pytest
from playwright.sync_api import expect

from modules.statutory_pages import STATUTORY_PAGES, statutory_pages_create
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB


@pytest.fixture
def statutory(site):
    statutory_pages_create(home=site)
    return site


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_the_pages_pass_axe(browser, live_server, statutory, axe_check, scripts):
    context = browser.new_context(java_script_enabled=scripts, bypass_csp=True)
    page = context.new_page()
    for statutory_page in STATUTORY_PAGES:
        page.goto(f"{live_server.url}/{statutory_page.slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(statutory_page.title)
        axe_check(page)
    context.close()


def test_the_footer_takes_a_keyboard_user_to_each_page(page, live_server, statutory):
    for statutory_page in STATUTORY_PAGES:
        page.goto(f"{live_server.url}/accounts/login/")
        link = page.get_by_role("contentinfo").get_by_role("link", name=statutory_page.title, exact=True)
        for _ in range(40):  # the sign-in form's fields and links come first
            page.keyboard.press("Tab")
            if link.evaluate("element => element === document.activeElement"):
                break
        expect(link).to_be_focused()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{live_server.url}/{statutory_page.slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(statutory_page.title)
