"""The pages for a request refused before any view sees it (portal.errors), as staff meet them: a quiz sent from a
tab opened before signing in again in another (403, the form's token out of date), the portal opened at a host name
that is not its own (400), and a form's address opened as a page (405). Each is titled for its problem, passes axe,
and its way on works by keyboard, with and without JavaScript."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from quizzes.models import Attempt
from quizzes.services import attempt_start
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in

pytestmark = BROWSER_DB

SERVICE = "Staff training and attestation – NHS Warrington CCG"


def quiz_answered_in_one_of_two_tabs(browser, live_server, site, scripts):
    """Sam signed in, their quiz's every question answered (not sent) in one tab, and a second tab open: (module,
    user, attempt, context, the quiz's tab, the other tab)."""
    module = factories.make_module(policy=factories.make_policy(parent=site))
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    attempt = attempt_start(user=user, quiz=module.quiz, page=module)
    context = browser.new_context(java_script_enabled=scripts, bypass_csp=True)  # axe is injected
    quiz, other_tab = context.new_page(), context.new_page()
    # Each tab is brought to the front before it is used: Chromium holds back a tab behind another's animation
    # frames, which Playwright waits on before each click and axe_check before judging (10 s of waiting a run).
    quiz.bring_to_front()
    sign_in(quiz, live_server.url, user.email)
    quiz.goto(f"{live_server.url}/learn/attempts/{attempt.pk}/")
    for question in quiz.locator("#attempt-form fieldset").all():
        question.locator("input").first.check()
    return module, user, attempt, context, quiz, other_tab


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_a_quiz_sent_from_a_tab_older_than_the_latest_sign_in(browser, live_server, site, axe_check, scripts):
    _, user, attempt, context, quiz, other_tab = quiz_answered_in_one_of_two_tabs(browser, live_server, site, scripts)
    other_tab.bring_to_front()
    other_tab.goto(f"{live_server.url}/training/")
    other_tab.get_by_role("button", name="Sign out").click()
    sign_in(other_tab, live_server.url, user.email)

    quiz.bring_to_front()
    quiz.get_by_role("button", name="Submit answers").click()

    expect(quiz).to_have_title(f"Error: your form was not sent – {SERVICE}")
    expect(quiz.get_by_role("heading", level=1)).to_have_text("Your form was not sent")
    axe_check(quiz)
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is None
    expect(quiz.get_by_role("link", name="open the page again")).to_have_attribute(
        "href", f"/learn/attempts/{attempt.pk}/"
    )
    # The way the page gives: the browser's back button, where the answers are still ticked, and the quiz is sent.
    quiz.go_back()
    expect(quiz.locator("#attempt-form input:checked")).to_have_count(len(quiz.locator("#attempt-form fieldset").all()))
    quiz.get_by_role("button", name="Submit answers").click()
    expect(quiz).to_have_url(f"{live_server.url}/learn/attempts/{attempt.pk}/result/")
    assert Attempt.objects.get(pk=attempt.pk).submitted_at is not None
    context.close()


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_the_portal_opened_at_a_host_name_not_its_own(browser, live_server, site, axe_check, settings, scripts):
    portal = urlsplit(live_server.url)
    other_name = "127.0.0.1" if portal.hostname == "localhost" else "localhost"
    settings.ALLOWED_HOSTS = [portal.hostname]
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    context = browser.new_context(java_script_enabled=scripts, bypass_csp=True)
    page = context.new_page()

    response = page.goto(f"http://{other_name}:{portal.port}/training/")

    assert response.status == 400
    expect(page).to_have_title(f"Error: this is not the portal's address – {SERVICE}")
    axe_check(page)
    page.get_by_role("link", name="Go to Staff training and attestation").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()  # the portal's own address: its sign-in
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    context.close()


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_a_forms_address_opened_as_a_page(browser, live_server, site, axe_check, scripts):
    user = factories.make_user(email="sam@example.nhs.uk")
    factories.make_staff(user=user)
    context = browser.new_context(java_script_enabled=scripts, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server.url, user.email)

    response = page.goto(f"{live_server.url}/team/remind/")

    assert response.status == 405
    expect(page).to_have_title(f"Error: this address is for sending a form – {SERVICE}")
    axe_check(page)
    page.get_by_role("link", name="Go to the home page").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("This address is for sending a form")
    context.close()
