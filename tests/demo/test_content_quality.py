"""The demo content teaches rather than rewards guessing: measured over every question bank and scenario.

Each figure is computed from the content each run; the thresholds are what a reviewer would accept. To check another
copy of the content (an older commit unpacked with `git archive`, say), or just print its figures:

    DEMO_CONTENT_DIR=path/to/content .venv/bin/python -m pytest tests/demo/test_content_quality.py
    .venv/bin/python -m tests.demo.test_content_quality [path/to/content]
"""

import os
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from portal.demo.content import CONTENT_DIR, DemoContent, load_content

# With three options a guesser picks the longest one time in three; a bank where the right answer is the longest
# much more often than that teaches people to pick the longest.
MAX_LONGEST_RIGHT = 0.40
# ...and the cure must not become the disease: always-short right answers are as guessable.
MAX_SHORTEST_RIGHT = 0.50
# "When in doubt, say False" should not pass a quiz either.
TRUE_SHARE_RANGE = (0.30, 0.70)
# Where the expected scenario option sits as written (people see them shuffled, but editors and previews do not).
MAX_SHARE_OF_ONE_POSITION = 0.50
# "Correct." teaches nothing: feedback needs a reason, in this many words after any "Right." or "Correct:".
MIN_REASON_WORDS = 6
MAX_FEEDBACK_WITHOUT_CLAUSE = 0.10
MIN_SITUATIONAL_QUESTIONS = 0.90

SECTION_IN_STEM = re.compile(r"\bsections?\s+\d|\b\d{1,2}\.\d\b", re.IGNORECASE)
# A question puts the person in a situation when (1) its scenario puts someone in one: it is at least MIN_SCENARIO_WORDS
# long and names who is in it (you, or a role or person: a colleague, a journalist, a 14-year-old), and (2) its stem
# asks about that situation: it refers to the person or to what happened (you, this, it, they, her...), and it is not
# a question of recall that the scenario merely decorates (what the policy "gives", "says" or "lists", which law,
# "as a minimum", the policy's list of reasons).
MIN_SCENARIO_WORDS = 10
SOMEONE = re.compile(
    r"\b(?:you|your|colleagues?|manager|team member|member of (?:the public|your team)|journalist|reporter|presenter"
    r"|parent|child|\d+-year-old|young (?:person|people|woman|man)|(?:older )?man|woman|someone|supplier|contractor"
    r"|consultancy|analyst|company|followers?|patient|daughter|friend|commenter)\b",
    re.IGNORECASE,
)
REFERS_TO_THE_SITUATION = re.compile(
    r"\b(?:you|your|yourself|this|that|those|it|its|they|them|their|he|him|his|she|her)\b", re.IGNORECASE
)
RECALL = re.compile(
    r"\bthe policy (?:gives?|says?|lists?|defines?|asks?|wants?|requires?)\b|\bwhich (?:law|act)\b|\bas a minimum\b"
    r"|\breasons?\b",
    re.IGNORECASE,
)
CLAUSE_REFERENCE = re.compile(r"\bsections?\s+\d|\(\d{1,2}(?:\.\d)?\)|\b\d{1,2}\.\d\b", re.IGNORECASE)
VERDICT = re.compile(r"^(?:right|correct|yes|no|not quite|wrong)\b[.:,!]?\s*", re.IGNORECASE)
HTML_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Figures:
    single_questions: int
    longest_right: int
    shortest_right: int
    true_false_questions: int
    true_right: int
    scenarios: int
    expected_longest: int
    expected_shortest: int
    expected_positions: Counter
    stems_naming_a_section: list[str]
    options_naming_a_section: list[str]
    feedbacks: int
    feedback_without_reason: list[str]
    feedback_without_clause: list[str]
    questions: int
    situational: int
    not_situational: list[str]
    clauses_without_question: list[str]

    def lines(self) -> list[str]:
        def share(part, whole):
            return f"{part}/{whole} ({part / whole:.0%})" if whole else "0/0"

        single = self.single_questions
        return [
            f"one-answer questions whose right answer is the longest: {share(self.longest_right, single)}",
            f"one-answer questions whose right answer is the shortest: {share(self.shortest_right, single)}",
            f"true-or-false questions whose answer is True: {share(self.true_right, self.true_false_questions)}",
            f"scenarios whose expected option is the longest: {share(self.expected_longest, self.scenarios)}",
            f"scenarios whose expected option is the shortest: {share(self.expected_shortest, self.scenarios)}",
            f"where the expected scenario option is written: {dict(sorted(self.expected_positions.items()))}",
            f"stems naming a section number: {len(self.stems_naming_a_section)}",
            f"choices, scenario situations and options naming a section number: {len(self.options_naming_a_section)}",
            f"feedback without a reason: {share(len(self.feedback_without_reason), self.feedbacks)}",
            f"feedback naming no clause: {share(len(self.feedback_without_clause), self.feedbacks)}",
            f"questions that put the person in a situation: {share(self.situational, self.questions)}",
            f"module clauses no quiz question tests: {self.clauses_without_question}",
        ]


def _plain(text: str) -> str:
    return " ".join(HTML_TAG.sub(" ", text).split())


def _longest(right: str, others: list[str]) -> bool:
    return len(right) >= max(len(other) for other in others)


def _shortest(right: str, others: list[str]) -> bool:
    return len(right) <= min(len(other) for other in others)


def in_a_situation(question: dict) -> bool:
    scenario, stem = question.get("scenario", ""), question["stem"]
    return bool(
        len(scenario.split()) >= MIN_SCENARIO_WORDS
        and SOMEONE.search(scenario)
        and REFERS_TO_THE_SITUATION.search(stem)
        and not RECALL.search(stem)
    )


def _position(index: int, count: int) -> str:
    return "first" if index == 0 else "last" if index == count - 1 else "middle"


def measure(content: DemoContent) -> Figures:
    single = longest_right = shortest_right = scenarios = expected_longest = expected_shortest = 0
    questions = situational = true_false = true_right = 0
    positions: Counter = Counter()
    stems, no_reason, no_clause, uncovered, options_naming, not_situational = [], [], [], [], [], []
    feedbacks = []
    for module in content.modules:
        bank = module["quiz"]["questions"]
        tested = {q["clause"] for q in bank}
        uncovered += [f"{module['slug']}: {clause}" for clause in module["clauses"] if clause not in tested]
        for q in bank:
            questions += 1
            if in_a_situation(q):
                situational += 1
            else:
                not_situational.append(f"{module['slug']}: {q['stem']}")
            if SECTION_IN_STEM.search(q["stem"] + " " + q.get("scenario", "")):
                stems.append(q["stem"])
            options_naming += [c["text"] for c in q["choices"] if SECTION_IN_STEM.search(c["text"])]
            feedbacks += [(q["stem"], c["text"], c["feedback"]) for c in q["choices"]]
            if q["kind"] == "true_false":
                true_false += 1
                true_right += any(c["correct"] and c["text"] == "True" for c in q["choices"])
            if q["kind"] == "single":
                single += 1
                (right,) = [c["text"] for c in q["choices"] if c["correct"]]
                wrong = [c["text"] for c in q["choices"] if not c["correct"]]
                longest_right += _longest(right, wrong)
                shortest_right += _shortest(right, wrong)
        for block in module["blocks"]:
            if block["type"] != "scenario":
                continue
            scenarios += 1
            options = block["options"]
            options_naming += [
                text
                for text in [block["situation"], block.get("question", ""), *(o["text"] for o in options)]
                if SECTION_IN_STEM.search(text)
            ]
            feedbacks += [(block["title"], o["text"], o["feedback"]) for o in options]
            for index, option in enumerate(options):
                if option["expected"]:
                    positions[_position(index, len(options))] += 1
                    others = [o["text"] for o in options if not o["expected"]]
                    expected_longest += bool(others) and _longest(option["text"], others)
                    expected_shortest += bool(others) and _shortest(option["text"], others)
    for where, choice, feedback in feedbacks:
        text = _plain(feedback)
        if len(VERDICT.sub("", text).split()) < MIN_REASON_WORDS:
            no_reason.append(f"{where[:40]} / {choice[:40]}: {text}")
        if not CLAUSE_REFERENCE.search(text):
            no_clause.append(f"{where[:40]} / {choice[:40]}: {text}")
    return Figures(
        single_questions=single,
        longest_right=longest_right,
        shortest_right=shortest_right,
        true_false_questions=true_false,
        true_right=true_right,
        scenarios=scenarios,
        expected_longest=expected_longest,
        expected_shortest=expected_shortest,
        expected_positions=positions,
        stems_naming_a_section=stems,
        options_naming_a_section=options_naming,
        feedbacks=len(feedbacks),
        feedback_without_reason=no_reason,
        feedback_without_clause=no_clause,
        questions=questions,
        situational=situational,
        not_situational=not_situational,
        clauses_without_question=uncovered,
    )


FIGURES = measure(load_content(Path(os.environ.get("DEMO_CONTENT_DIR", CONTENT_DIR))))


def test_the_right_answer_is_not_usually_the_longest():
    assert FIGURES.longest_right <= MAX_LONGEST_RIGHT * FIGURES.single_questions, FIGURES.lines()


def test_the_right_answer_is_not_usually_the_shortest_either():
    assert FIGURES.shortest_right <= MAX_SHORTEST_RIGHT * FIGURES.single_questions, FIGURES.lines()


def test_true_or_false_answers_are_not_mostly_one_way():
    low, high = TRUE_SHARE_RANGE
    assert low * FIGURES.true_false_questions <= FIGURES.true_right <= high * FIGURES.true_false_questions, (
        FIGURES.lines()
    )


def test_the_expected_scenario_option_is_neither_usually_the_longest_nor_usually_the_shortest():
    assert FIGURES.expected_longest <= MAX_LONGEST_RIGHT * FIGURES.scenarios, FIGURES.lines()
    assert FIGURES.expected_shortest <= MAX_SHORTEST_RIGHT * FIGURES.scenarios, FIGURES.lines()


def test_the_expected_scenario_option_sits_in_every_position_and_mostly_in_none():
    assert set(FIGURES.expected_positions) == {"first", "middle", "last"}, FIGURES.expected_positions
    assert max(FIGURES.expected_positions.values()) <= MAX_SHARE_OF_ONE_POSITION * FIGURES.scenarios


def test_no_question_names_the_section_it_tests():
    assert FIGURES.stems_naming_a_section == []


def test_no_choice_scenario_situation_or_option_names_a_section():
    assert FIGURES.options_naming_a_section == []


def test_every_feedback_gives_a_reason():
    assert FIGURES.feedback_without_reason == []


def test_feedback_points_to_the_clause():
    assert len(FIGURES.feedback_without_clause) <= MAX_FEEDBACK_WITHOUT_CLAUSE * FIGURES.feedbacks, (
        FIGURES.feedback_without_clause
    )


def test_most_questions_put_the_person_in_a_situation():
    assert FIGURES.situational >= MIN_SITUATIONAL_QUESTIONS * FIGURES.questions, FIGURES.not_situational


def test_every_clause_a_module_covers_has_a_question_in_its_bank():
    assert FIGURES.clauses_without_question == []


if __name__ == "__main__":
    for line in measure(load_content(Path(sys.argv[1]) if len(sys.argv) > 1 else CONTENT_DIR)).lines():
        print(line)
