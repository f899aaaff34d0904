"""The new starter's journey, three ways: with a mouse, by keyboard alone, and with JavaScript turned off."""

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in  # noqa: F401

pytestmark = BROWSER_DB


class Driver:
    """Chooses, fills and submits the way a person with a mouse, or with a keyboard only, would."""

    def __init__(self, page, keyboard_only: bool):
        self.page = page
        self.keyboard_only = keyboard_only

    def _tab_until(self, reached, limit=150):
        """Press Tab (then, if need be, Shift+Tab) until `reached()` is true."""
        for key in ("Tab", "Shift+Tab"):
            for _ in range(limit):
                self.page.keyboard.press(key)
                if reached():
                    return
        raise AssertionError("Could not reach the element with the Tab key")

    def _tab_to(self, locator):
        self._tab_until(lambda: locator.evaluate("el => el === document.activeElement"))

    def fill(self, locator, text):
        if not self.keyboard_only:
            locator.fill(text)
            return
        self._tab_to(locator)
        self.page.keyboard.type(text)

    def choose(self, locator):
        """Check a radio button or a checkbox."""
        if not self.keyboard_only:
            locator.check()
            return
        self._tab_to_group_of(locator)
        if locator.get_attribute("type") == "radio":
            for _ in range(10):
                if locator.evaluate("el => el === document.activeElement"):
                    break
                self.page.keyboard.press("ArrowDown")
        self.page.keyboard.press("Space")
        expect(locator).to_be_checked()

    def _tab_to_group_of(self, locator):
        if locator.get_attribute("type") == "checkbox":
            self._tab_to(locator)
            return
        same_group = "el => document.activeElement.name === el.name && document.activeElement.form === el.form"
        self._tab_until(lambda: locator.evaluate(same_group))

    def press(self, button):
        if not self.keyboard_only:
            button.click()
            return
        self._tab_to(button)
        self.page.keyboard.press("Enter")

    def start(self, url):
        self.page.goto(url)
        if self.keyboard_only:
            self.page.evaluate("document.activeElement && document.activeElement.blur()")


@pytest.fixture
def learner(site):
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy, scenarios=2, quiz=factories.make_quiz(questions=6, per_attempt=5))
    user = factories.make_user(first_name="Sam", last_name="Taylor", email="sam.taylor@example.nhs.uk")
    return user, module


@pytest.mark.parametrize("mode", ["mouse", "keyboard", "no-javascript"])
def test_new_starter_works_through_a_module_and_passes_its_quiz(browser, live_server, learner, axe_check, mode):
    user, module = learner
    context = browser.new_context(java_script_enabled=mode != "no-javascript", bypass_csp=True)  # axe is injected
    page = context.new_page()
    driver = Driver(page, keyboard_only=mode == "keyboard")
    base = live_server.url

    # Sign in.
    driver.start(f"{base}/accounts/login/")
    axe_check(page)
    driver.fill(page.get_by_label("Email"), user.email)
    driver.fill(page.get_by_label("Password"), factories.PASSWORD)
    driver.press(page.get_by_role("button", name="Sign in"))
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Sam Taylor")
    axe_check(page)

    # The modules list shows the module, not started.
    driver.start(f"{base}{module.get_parent().url}")
    expect(page.get_by_role("heading", name=module.get_parent().title)).to_be_visible()
    expect(page.locator(f"#module-{module.pk}-status")).to_have_text("Not started")
    axe_check(page)

    # Open the module; in the first scenario choose a wrong option, then the right one.
    driver.start(f"{base}{module.url}")
    axe_check(page)
    first, second = (page.locator(".portal-scenario").nth(i) for i in range(2))
    url_before = page.url
    driver.choose(first.get_by_label("Option 1"))
    driver.press(first.get_by_role("button", name="Check my choice"))
    expect(first.locator(".portal-feedback")).to_contain_text("Not what the policy expects")
    if mode != "no-javascript":
        assert page.url == url_before  # feedback arrived in place, no reload
        expect(first.locator(".portal-feedback")).to_be_focused()
    axe_check(page)
    first = page.locator(".portal-scenario").nth(0)
    driver.choose(first.get_by_label("Option 2"))
    driver.press(first.get_by_role("button", name="Try this option"))
    expect(first.locator(".portal-feedback")).to_contain_text("What the policy expects")
    second = page.locator(".portal-scenario").nth(1)
    driver.choose(second.get_by_label("Option 2"))
    driver.press(second.get_by_role("button", name="Check my choice"))
    expect(second.locator(".portal-feedback")).to_contain_text("What the policy expects")
    axe_check(page)

    # Fail the quiz on purpose and read the feedback.
    if mode != "no-javascript":
        page.reload()
    driver.press(page.get_by_role("button", name="Start the quiz"))
    expect(page.get_by_text(re.compile(r"Question 1 of 5"))).to_be_visible()
    axe_check(page)
    for label in page.locator("label.nhsuk-radios__label", has_text="Wrong").all():
        driver.choose(page.locator(f"#{label.get_attribute('for')}"))
    driver.press(page.get_by_role("button", name="Submit answers"))
    expect(page.get_by_role("heading", name="You did not pass this time")).to_be_visible()
    expect(page.get_by_role("link", name="policy section 6.2").first).to_be_visible()
    axe_check(page)

    # Pass on the retake.
    driver.press(page.get_by_role("button", name="Try the quiz again"))
    expect(page.get_by_text(re.compile(r"Question 1 of 5"))).to_be_visible()
    for label in page.locator("label.nhsuk-radios__label", has_text="Right").all():
        driver.choose(page.locator(f"#{label.get_attribute('for')}"))
    driver.press(page.get_by_role("button", name="Submit answers"))
    expect(page.get_by_role("heading", name="You passed")).to_be_visible()
    expect(page.get_by_text("Module completed")).to_be_visible()
    axe_check(page)

    # The modules list now shows it complete.
    driver.start(f"{base}{module.get_parent().url}")
    expect(page.locator(f"#module-{module.pk}-status")).to_have_text("Completed")
    axe_check(page)
    context.close()


def test_the_skip_link_is_the_first_thing_a_keyboard_reaches(page, live_server, site, axe_check):
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "maincontent"
