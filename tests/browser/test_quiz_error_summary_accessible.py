"""A quiz sent with questions left unanswered, by keyboard alone, with JavaScript and without: the page is titled
as an error, the NHS.UK error summary names each unanswered question (focused, with JavaScript), each question keeps
its legend and its own error message, the answers given stay ticked, a link in the summary takes the keyboard to its
question's first answer, and the page passes axe. A question that sets out a situation is named by its number and
question alone, the situation its description (tests/modules/test_quiz_scenario_outside_legend.py)."""

import pytest
from playwright.sync_api import expect

from quizzes.models import Question
from quizzes.services import attempt_start
from tests import factories
from tests.browser.conftest import BROWSER_DB, sign_in_by_session

pytestmark = BROWSER_DB
SERVICE = "Staff training and attestation – NHS Warrington CCG"
SITUATION = "A reporter messages you about a post you made last week."


@pytest.mark.parametrize("scripts", [True, False], ids=["javascript", "no-javascript"])
def test_a_quiz_sent_with_unanswered_questions(browser, live_server, site, axe_check, scripts):
    module = factories.make_module(policy=factories.make_policy(parent=site), quiz=factories.make_quiz())
    user = factories.make_user(first_name="Sam", last_name="Taylor", email="sam.taylor@example.nhs.uk")
    Question.objects.filter(bank__quizzes=module.quiz).update(scenario=SITUATION)
    attempt = attempt_start(user=user, quiz=module.quiz, page=module)
    questions = attempt.frozen_questions()
    context = browser.new_context(java_script_enabled=scripts, bypass_csp=True)  # axe is injected
    page = context.new_page()
    sign_in_by_session(page, live_server.url, user)
    page.goto(f"{live_server.url}/learn/attempts/{attempt.pk}/")
    answered = [q for n, q in enumerate(questions, 1) if n not in (2, 4)]
    for question in answered:
        page.locator(f"#id_q{question.id}_0").check()
    submit = page.get_by_role("button", name="Submit answers")
    submit.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_title(f"Error: {module.quiz.title} – {SERVICE}")
    summary = page.locator(".nhsuk-error-summary")
    if scripts:
        expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_text(["Question 2: select an answer", "Question 4: select an answer"])
    for number in (2, 4):
        group = page.get_by_role("group", name=f"Question {number} of 5")
        expect(group.locator(".nhsuk-error-message")).to_have_text(f"Error: Question {number}: select an answer")
        expect(group).to_have_accessible_name(f"Question {number} of 5: {questions[number - 1].stem}")
        expect(group).to_have_accessible_description(
            f"{SITUATION} Select one answer. Error: Question {number}: select an answer"
        )
    for question in answered:
        expect(page.locator(f"#id_q{question.id}_0")).to_be_checked()
    axe_check(page)

    links.nth(1).focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#id_q{questions[3].id}_0")).to_be_focused()
    context.close()
