"""A quiz open in two tabs after it changed: the second tab starts it again, and the answers sent from the first reach
an attempt that is no longer there. The page says so, is titled for it, passes axe, and its way on works by keyboard,
with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from quizzes.models import Attempt
from tests.browser.conftest import BROWSER_DB
from tests.browser.test_error_pages_accessible import quiz_answered_in_one_of_two_tabs

pytestmark = BROWSER_DB

SERVICE = "Staff training and attestation – NHS Warrington CCG"


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_answers_from_a_tab_whose_attempt_was_replaced(browser, live_server, site, axe_check, scripts):
    module, _, attempt, context, quiz, other_tab = quiz_answered_in_one_of_two_tabs(browser, live_server, site, scripts)
    module.quiz.pass_mark = 90
    module.quiz.save()
    other_tab.bring_to_front()
    other_tab.goto(f"{live_server.url}{module.url}")
    other_tab.get_by_role("button", name="Continue the quiz").click()  # the quiz changed: a new attempt
    expect(other_tab.get_by_text("You need 90% to pass")).to_be_visible()
    assert Attempt.objects.get().pk != attempt.pk

    quiz.bring_to_front()
    quiz.get_by_role("button", name="Submit answers").click()

    expect(quiz).to_have_title(f"Quiz attempt not found – {SERVICE}")
    expect(quiz.get_by_role("heading", level=1)).to_have_text("This quiz attempt is not here")
    axe_check(quiz)
    assert Attempt.objects.get().submitted_at is None
    quiz.get_by_role("link", name="Go to my training").focus()
    quiz.keyboard.press("Enter")
    expect(quiz).to_have_url(f"{live_server.url}/training/")
    context.close()
