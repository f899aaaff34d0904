"""The quizzes weigh each clause by what the policy asks: a clause that says much more is asked about at least as often.

The figure for a clause is how many questions on it one attempt at each demo quiz asks, expected over the draw,
added up over the demo quizzes (someone required to take them all). It is worked out exactly from each bank and its
questions per attempt by the rules of the stratified draw (quizzes.scoring.draw_question_ids), not by simulation:

- with at least as many questions per attempt (n) as clauses in the bank (k), each clause is asked once, then the
  other n - k questions come at random from the N - k left, so a clause with m questions is asked
  1 + (n - k)(m - 1)/(N - k) times;
- with fewer, n of the k clauses are drawn, each with one question: n/k.

The policy's weight for a clause is the number of words of its ratified text (portal/demo/content/policy.txt): 6.2's
nineteen bullets are 615 words and section 8's one paragraph 106. A word count is a rough measure of how much a
clause asks, so the rule allows for that: a clause at least LENGTH_FACTOR times as long as another is asked about at
least as often. It applies to the clauses that state an obligation (tests/demo/test_policy_coverage.py), so one taught
only by scenarios counts as asked about 0 times.
"""

import html
import re
from collections import Counter
from fractions import Fraction

import pytest

from portal.demo.content import load_content
from quizzes import scoring
from tests.demo.test_policy_coverage import obligation_clauses, ratified_sections

LENGTH_FACTOR = 3
CONTENT = load_content()


def expected_per_attempt(clauses: list[str], per_attempt: int) -> dict[str, Fraction]:
    """Expected questions on each clause in one attempt at a bank whose questions test `clauses` (one entry each)."""
    size, counts = len(clauses), Counter(clauses)
    count = min(per_attempt, size)
    strata = len(counts)
    if count <= strata:
        return {clause: Fraction(count, strata) for clause in counts}
    return {clause: 1 + Fraction((count - strata) * (m - 1), size - strata) for clause, m in counts.items()}


def demo_exposure() -> dict[str, Fraction]:
    total: Counter = Counter()
    for module in CONTENT.modules:
        quiz = module["quiz"]
        total.update(expected_per_attempt([q["clause"] for q in quiz["questions"]], quiz["questions_per_attempt"]))
    return dict(total)


def clause_words() -> dict[str, int]:
    return {
        number: len(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for number, _, body in ratified_sections()
    }


@pytest.mark.parametrize(
    ("bank", "per_attempt"),
    [
        (["6.2"] * 10 + ["6.1", "13", "13", "3", "5.4", "2"], 8),
        (["8"] * 4 + ["6.2"] * 4, 5),
        (["7.3"] * 9, 5),
        ([str(n) for n in range(8)], 5),
    ],
)
def test_the_expected_figures_are_what_the_draw_does(bank, per_attempt):
    pool = dict(enumerate(bank))
    seeds = range(3000)
    drawn = Counter(pool[i] for seed in seeds for i in scoring.draw_question_ids(pool, per_attempt, seed))
    for clause, expected in expected_per_attempt(bank, per_attempt).items():
        assert drawn[clause] / len(seeds) == pytest.approx(float(expected), abs=0.05), clause


def test_best_practice_is_asked_about_more_than_references():
    exposure = demo_exposure()
    assert exposure["6.2"] > exposure["8"], (float(exposure["6.2"]), float(exposure["8"]))


def test_no_clause_is_asked_about_more_than_one_several_times_its_length():
    exposure, words = demo_exposure(), clause_words()
    obligations = obligation_clauses(ratified_sections())
    outweighed = [
        f"{short} ({words[short]} words, {float(exposure.get(short, 0)):.2f} an attempt) over "
        f"{long} ({words[long]} words, {float(exposure.get(long, 0)):.2f})"
        for long in obligations
        for short in obligations
        if words[long] >= LENGTH_FACTOR * words[short] and exposure.get(long, 0) < exposure.get(short, 0)
    ]
    assert outweighed == []
