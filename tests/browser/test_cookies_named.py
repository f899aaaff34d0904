"""The cookies page names every cookie the portal sets. A real browser goes where people go (the sign-in page and the
public pages; a member of staff signing in, working through a module and its quiz, signing out; a CMS editor signing
in with a code, editing a page and closing the CMS's menu) and keeps the name of every cookie it was sent or a
page's script set; the test fails on any the cookies page, as `setup_site` writes it, does not name."""

import re

from playwright.sync_api import expect

from modules.models import ContentPage
from modules.statutory_pages import statutory_pages_create
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in, sign_in_with_code

pytestmark = BROWSER_DB


class CookieNames:
    """The names of the cookies a browser context was sent (every Set-Cookie header of every response, a cookie
    deleted at once included) and holds at the end (those a page's script set, too)."""

    def __init__(self, context):
        self.context = context
        self.names: set[str] = set()
        context.on("response", self._sent)

    def _sent(self, response):
        for header in response.headers_array():
            if header["name"].lower() == "set-cookie":
                for line in header["value"].split("\n"):
                    self.names.add(line.split("=", 1)[0].strip())

    def held(self) -> set[str]:
        return self.names | {cookie["name"] for cookie in self.context.cookies()}


def _anonymous_and_staff(browser, base: str, module) -> set[str]:
    context = browser.new_context()
    names = CookieNames(context)
    page = context.new_page()
    for path in ["/accounts/login/", "/accessibility-statement/", "/privacy/", "/cookies/", "/verify/"]:
        page.goto(f"{base}{path}")
    user = factories.make_user(first_name="Sam", last_name="Taylor", email="sam.taylor@example.nhs.uk")
    sign_in(page, base, user.email)
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Sam Taylor")
    page.goto(f"{base}{module.url}")
    for n in range(2):
        scenario = page.locator(".portal-scenario").nth(n)
        scenario.get_by_label("Option 2").check()
        scenario.get_by_role("button", name="Check my choice").click()
        expect(scenario.locator(".portal-feedback")).to_contain_text("What the policy expects")
    page.reload()
    page.get_by_role("button", name="Start the quiz").click()
    for label in page.locator("label.nhsuk-radios__label", has_text="Right").all():
        page.locator(f"#{label.get_attribute('for')}").check()
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    page.goto(f"{base}/training/")
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    held = names.held()
    context.close()
    return held


def _cms_editor(browser, base: str) -> set[str]:
    context = browser.new_context()
    names = CookieNames(context)
    page = context.new_page()
    editor = factories.make_user(email="editor@example.nhs.uk", first_name="Eddie", last_name="Editor")
    editor.is_superuser = True
    editor.save()
    factories.with_mfa(editor)
    sign_in_with_code(page, base, editor.email)
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    page.goto(f"{base}/cms/")
    page.goto(f"{base}/cms/pages/{ContentPage.objects.get(slug='cookies').pk}/edit/")
    page.get_by_role("button", name="Toggle sidebar").click()
    expect(page.locator("body.sidebar-collapsed")).to_have_count(1)
    page.goto(f"{base}/cms/")
    held = names.held()
    context.close()
    return held


def test_the_cookies_page_names_every_cookie_the_browser_holds(browser, page, live_server, site):
    statutory_pages_create(home=site)
    module = factories.make_module(policy=factories.make_policy(parent=site), quiz=factories.make_quiz())
    base = live_server.url

    held = _anonymous_and_staff(browser, base, module) | _cms_editor(browser, base)

    # The journeys reached the portal's own cookies, Django's and the CMS's: the check below is not of nothing.
    assert {"sessionid", "csrftoken", "portal_known_device", "wagtail_sidebar_collapsed"} <= held, held
    page.goto(f"{base}/cookies/")
    text = page.get_by_role("main").inner_text()
    unnamed = [name for name in held if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)]
    assert sorted(unnamed) == [], "cookies the cookies page does not name"
