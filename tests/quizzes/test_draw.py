"""Each attempt covers the clauses its quiz tests, not just whichever questions a uniform draw happens to pick."""

from collections import Counter

import pytest

from portal.demo.content import load_content
from quizzes import scoring

SEEDS = range(2000)
DEMO_BANKS = [
    (
        module["slug"],
        module["quiz"]["questions_per_attempt"],
        {n: q["clause"] for n, q in enumerate(module["quiz"]["questions"])},
    )
    for module in load_content().modules
]


def clauses_drawn(pool: dict[int, str], count: int, seed: int) -> list[str]:
    return [pool[question_id] for question_id in scoring.draw_question_ids(pool, count, seed)]


def test_every_clause_is_in_every_attempt_when_there_are_enough_questions_per_attempt():
    # Like the old principles bank: one question on section 13 among nine, which a uniform draw of five missed in 44%.
    pool = dict.fromkeys(range(1, 8), "6.2") | {8: "6.1", 9: "13"}
    for seed in SEEDS:
        drawn = clauses_drawn(pool, 5, seed)
        assert len(drawn) == 5 and set(drawn) == {"6.2", "6.1", "13"}, seed


def test_the_rest_of_the_attempt_follows_the_weight_of_the_bank():
    pool = dict.fromkeys(range(1, 10), "6.2") | {10: "6.1", 11: "13"}
    counts = Counter(clause for seed in SEEDS for clause in clauses_drawn(pool, 5, seed))
    # One of each, then two of the remaining nine questions, eight of which are on 6.2.
    assert counts["6.2"] > 2.5 * len(SEEDS)
    assert counts["13"] == len(SEEDS)


def test_with_more_clauses_than_questions_each_attempt_asks_about_different_clauses_and_all_get_their_turn():
    pool = {n: str(n) for n in range(1, 9)}
    seen = Counter()
    for seed in SEEDS:
        drawn = clauses_drawn(pool, 5, seed)
        assert len(set(drawn)) == 5
        seen.update(drawn)
    assert set(seen) == set(pool.values())
    assert min(seen.values()) > 0.5 * max(seen.values())


def test_the_order_of_an_attempt_does_not_give_away_how_it_was_drawn():
    pool = dict.fromkeys(range(1, 8), "6.2") | {8: "6.1", 9: "13"}
    positions = Counter(scoring.draw_question_ids(pool, 5, seed).index(9) for seed in SEEDS)
    assert set(positions) == {0, 1, 2, 3, 4}


@pytest.mark.parametrize(("slug", "per_attempt", "pool"), DEMO_BANKS, ids=[slug for slug, _, _ in DEMO_BANKS])
def test_every_demo_attempt_covers_every_clause_its_bank_tests(slug, per_attempt, pool):
    clauses = set(pool.values())
    assert len(clauses) <= per_attempt, f"{slug}: more clauses than questions per attempt"
    for seed in range(300):
        assert set(clauses_drawn(pool, per_attempt, seed)) == clauses, seed
