"""With JavaScript on, by mouse and by keyboard alone: each scenario answered in place moves the module's count (in a
polite live region) and marks the scenario done, and the last one says the module is complete and where to go next.
The same page without JavaScript is covered in tests/modules/test_scenario_progress_count.py."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.services import attempt_start, attempt_submit
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session
from tests.browser.test_new_starter_journey import Driver

pytestmark = BROWSER_DB


@pytest.fixture
def learner(site):
    """Sam has passed the module's quiz already; its three scenarios are all that is left."""
    policy = factories.make_policy(parent=site)
    module = factories.make_module(policy=policy, scenarios=3)
    user = factories.make_user(first_name="Sam", last_name="Taylor", email="sam.taylor@example.nhs.uk")
    attempt = attempt_start(user=user, quiz=module.quiz, page=module)
    attempt_submit(attempt=attempt, answers={q.id: sorted(q.correct_ids) for q in attempt.frozen_questions()})
    return user, module


@pytest.mark.parametrize("mode", ["mouse", "keyboard"])
def test_the_count_moves_as_scenarios_are_answered_and_the_last_says_the_module_is_done(
    browser, live_server, learner, axe_check, mode
):
    user, module = learner
    context = browser.new_context(bypass_csp=True)  # axe is injected
    page = context.new_page()
    driver = Driver(page, keyboard_only=mode == "keyboard")
    sign_in_by_session(page, live_server.url, user)
    expect(page.get_by_test_id("signed-in-as")).to_have_text("Sam Taylor")

    driver.start(f"{live_server.url}{module.url}")
    progress = page.locator("#module-progress")
    expect(progress).to_have_attribute("role", "status")
    expect(progress).to_have_text(re.compile(r"In progress\s+0 of 3 scenarios worked through; quiz passed\."))
    url_before = page.url

    for number in range(3):
        scenario = page.locator(".portal-scenario").nth(number)
        driver.choose(scenario.get_by_label("Option 2"))
        driver.press(scenario.get_by_role("button", name="Check my choice"))
        feedback = scenario.locator(".portal-feedback")
        expect(feedback).to_contain_text("What the policy expects")
        expect(feedback).to_be_focused()
        expect(scenario.locator("[data-scenario-label]")).to_contain_text("Done")
        if number < 2:
            expect(progress).to_contain_text(f"{number + 1} of 3 scenarios worked through; quiz passed.")
            expect(page.locator(".portal-next-step")).to_have_count(0)
    assert page.url == url_before  # all in place, no reload

    expect(progress).to_have_text(re.compile(r"Completed\s+3 of 3 scenarios worked through; quiz passed\."))
    next_step = page.locator(".portal-next-step")
    expect(next_step).to_have_count(1)
    expect(next_step).to_contain_text("You have completed this module")
    expect(next_step).to_contain_text("You have worked through all 3 scenarios and passed the quiz.")
    expect(page.locator("#quiz-scenarios-note")).to_have_text("")
    axe_check(page)

    driver.press(next_step.get_by_role("link", name="Go to my training"))
    expect(page).to_have_url(f"{live_server.url}/training/")
    context.close()
