"""WCAG 4.1.3 (status messages) and 3.3.1, which axe cannot check: what an action came to is read out as the next page
opens. A message after a redirect is an NHS.UK notification banner or error summary with role="alert", and focus is
moved to it, so a screen reader says it at once; a form's own error summary keeps the focus over a banner."""

import re
import time

from playwright.sync_api import expect

from portal.compliance.projection import refresh
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in, sign_in_by_session

pytestmark = BROWSER_DB


def test_signing_in_says_so_in_a_success_banner_that_takes_focus(page, live_server, site):
    user = factories.make_user(email="sam@example.nhs.uk", first_name="Sam", last_name="Taylor")
    factories.make_staff(user=user)

    sign_in(page, live_server.url, user.email)

    banner = page.locator(".nhsuk-notification-banner--success")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner.get_by_role("heading", name="Success")).to_be_visible()
    expect(banner).to_contain_text("Successfully signed in as Sam Taylor")
    expect(banner).to_be_focused()  # once NHS.UK frontend has started


def test_signed_out_for_being_idle_is_said_in_an_important_banner_that_takes_focus(page, live_server, site, settings):
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    sign_in(page, live_server.url, user.email)
    settings.PORTAL_SESSION_IDLE_MINUTES = 0  # any pause at all is too long
    time.sleep(1.1)

    page.goto(f"{live_server.url}/training/")

    banner = page.locator(".nhsuk-notification-banner")
    expect(banner).to_have_attribute("role", "alert")
    expect(banner.get_by_role("heading", name="Important")).to_be_visible()
    expect(banner).to_contain_text("You were signed out after 0 minutes without activity. Sign in again.")
    expect(banner).to_be_focused()


def test_an_action_refused_after_its_redirect_is_an_error_summary_that_takes_focus(page, live_server, site):
    module = factories.make_module(quiz=factories.make_quiz(questions=0))
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    refresh()
    sign_in_by_session(page, live_server.url, user)
    page.goto(f"{live_server.url}{module.url}")

    page.evaluate(  # the button is not offered for a quiz with no questions; one opened before the questions went
        "(action) => { const f = Object.assign(document.createElement('form'), {method: 'post', action});"
        " f.append(document.querySelector('[name=csrfmiddlewaretoken]').cloneNode()); document.body.append(f);"
        " f.submit(); }",
        f"/learn/modules/{module.pk}/quiz/start/",
    )

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("This quiz has no questions yet. Tell the content team.")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()


def test_a_forms_error_summary_keeps_focus_over_a_banner(page, live_server, site):
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    factories.make_requirement(name="Safeguarding Adults Level 1")
    refresh()
    sign_in_by_session(page, live_server.url, user)
    page.goto(f"{live_server.url}/certificates/upload/")

    def with_a_message_too(route):  # a message left for the page that shows the form's errors: both on one page
        html = route.fetch().text()
        banner = (
            '<div class="nhsuk-notification-banner" data-module="nhsuk-notification-banner" role="alert">'
            '<p class="nhsuk-notification-banner__heading">A message</p></div>'
        )
        route.fulfill(
            body=re.sub(r"(<main[^>]*>)", lambda m: m.group(1) + banner, html, count=1),
            content_type="text/html; charset=utf-8",
        )

    page.route(
        re.compile(r".*/certificates/upload/$"),
        lambda route: with_a_message_too(route) if route.request.method == "POST" else route.continue_(),
    )
    page.get_by_role("button", name="Upload", exact=True).click()

    expect(page.get_by_text("A message")).to_be_visible()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
