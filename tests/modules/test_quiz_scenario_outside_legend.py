"""A quiz question's scenario (the situation it sets out: "A reporter messages you about your post ...") is read as
the question's description, not as its legend. Before, the whole paragraph sat inside the <legend>, which is the
group's name: screen readers say the name of a group as they enter it and some say it again at each answer, so a
paragraph-long legend was heard over and over, and a voice-control user had to speak it to name the group (GOV.UK and
NHS.UK: keep legends short; put explanations above the fieldset). Now the legend is "Question N of M: <the question>",
and the scenario is a paragraph above the fieldset that the fieldset names as its description (aria-describedby),
before the hint; what the page shows, and in which order, is unchanged."""

import re

from django.urls import reverse

from quizzes import scoring
from quizzes.models import Choice, Question, QuestionBank, Quiz
from quizzes.services import attempt_start
from tests import factories

SCENARIO = "A reporter messages you on LinkedIn about a post you made last week.\nThey ask for a comment by 5pm."
STEM = "What should you do first?"


def _quiz_with_a_scenario() -> Quiz:
    bank = QuestionBank.objects.create(title="Media")
    question = Question.objects.create(bank=bank, kind=scoring.SINGLE, scenario=SCENARIO, stem=STEM, clause="6.2")
    for text, right in (("Tell the communications team", True), ("Reply with a comment", False)):
        Choice.objects.create(question=question, text=text, is_correct=right, feedback="See 6.2.")
    plain = Question.objects.create(bank=bank, kind=scoring.SINGLE, stem="Who approves a new account?", clause="10.1")
    for text, right in (("The appropriate Director", True), ("Anyone in the team", False)):
        Choice.objects.create(question=plain, text=text, is_correct=right, feedback="See 10.1.")
    quiz = Quiz.objects.create(title="Media contact", questions_per_attempt=2, pass_mark=50)
    quiz.banks.add(bank)
    quiz.save()  # ParentalManyToManyField changes are written on save
    return quiz


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _groups(html: str) -> list[tuple[str, str, str]]:
    """(the fieldset's aria-describedby, its legend's text, what comes before the fieldset in its form group)."""
    found = []
    for group in html.split('<div class="nhsuk-form-group')[1:]:
        before, fieldset = group.split("<fieldset", 1)
        described = re.search(r'aria-describedby="([^"]*)"', fieldset.split(">", 1)[0]).group(1)
        legend = fieldset.split("<legend", 1)[1].split("</legend>", 1)[0].split(">", 1)[1]
        found.append((described, _text(legend).replace(" :", ":"), before))  # spans joined as read
    return found


def test_the_scenario_describes_the_question_and_the_legend_names_it(person, person_client, policy):
    module = factories.make_module(policy=policy, quiz=_quiz_with_a_scenario())
    attempt = attempt_start(user=person, quiz=module.quiz, page=module)
    html = person_client.get(reverse("modules:attempt", args=[attempt.pk])).content.decode()
    groups = {legend: (described, before) for described, legend, before in _groups(html)}
    number = 1 + [q.stem for q in attempt.frozen_questions()].index(STEM)
    described, before = groups[f"Question {number} of 2: {STEM}"]  # the legend: short, the question alone
    scenario_id, hint_id = described.split()
    assert re.search(rf'<p class="[^"]*" id="{scenario_id}">', before), before  # above the fieldset, by id
    assert _text(before.split(f'id="{scenario_id}">', 1)[1].split("</p>", 1)[0]) == " ".join(SCENARIO.split())
    assert "LinkedIn" not in "".join(groups)  # in no legend
    plain_described, _ = groups[f"Question {3 - number} of 2: Who approves a new account?"]
    assert plain_described.endswith("-hint") and " " not in plain_described  # no scenario: the hint alone
    assert hint_id.endswith("-hint")
    # Read line by line, as shown: the number first (not hidden from screen readers), then the situation.
    caption = f'<span class="nhsuk-caption-m">Question {number} of 2</span>'
    assert re.search(rf'{caption}\s*<p [^>]*id="{scenario_id}"', before), before
    # Shown as before: the number, the situation, then the question.
    shown = _text(html)
    assert shown.index(f"Question {number} of 2") < shown.index("A reporter messages you") < shown.index(STEM)
