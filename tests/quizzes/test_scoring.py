import pytest

from quizzes import scoring
from quizzes.scoring import FrozenChoice, FrozenQuestion


def question(kind=scoring.SINGLE, right=("a",), ids=("a", "b", "c"), clause="6.2", qid="1"):
    return FrozenQuestion(
        id=qid,
        kind=kind,
        scenario="",
        stem="Which?",
        clause=clause,
        choices=tuple(FrozenChoice(id=i, text=i.upper(), correct=i in right, feedback=f"about {i}") for i in ids),
    )


@pytest.mark.parametrize(
    ("kind", "right", "selected", "expected"),
    [
        (scoring.SINGLE, ("a",), {"a"}, True),
        (scoring.SINGLE, ("a",), {"b"}, False),
        (scoring.SINGLE, ("a",), set(), False),
        (scoring.MULTIPLE, ("a", "b"), {"a", "b"}, True),
        (scoring.MULTIPLE, ("a", "b"), {"a"}, False),  # no partial credit
        (scoring.MULTIPLE, ("a", "b"), {"a", "b", "c"}, False),  # picking everything is not right
        (scoring.TRUE_FALSE, ("a",), {"a"}, True),
    ],
)
def test_a_question_is_right_only_when_the_selection_is_exactly_the_right_choices(kind, right, selected, expected):
    assert scoring.mark_question(question(kind, right), frozenset(selected)).correct is expected


def test_missed_count_for_several_answers():
    result = scoring.mark_question(question(scoring.MULTIPLE, ("a", "b")), frozenset({"a"}))
    assert result.missed_count == 1
    assert [c.id for c in result.selected_choices] == ["a"]


@pytest.mark.parametrize(
    ("right_answers", "total", "pass_mark", "percent", "passed"),
    [
        (4, 5, 80, 80, True),
        (3, 5, 80, 60, False),
        (7, 9, 78, 77, False),  # 77.8% does not round up to a pass
        (7, 9, 77, 77, True),
        (5, 5, 100, 100, True),
        (2, 3, 67, 66, False),
    ],
)
def test_percent_is_rounded_down_and_pass_is_an_exact_comparison(right_answers, total, pass_mark, percent, passed):
    questions = [question(qid=str(n)) for n in range(total)]
    answers = {str(n): ["a"] if n < right_answers else ["b"] for n in range(total)}
    result = scoring.mark_attempt(questions, answers, pass_mark)
    assert (result.correct_count, result.total, result.percent, result.passed) == (
        right_answers,
        total,
        percent,
        passed,
    )


def test_an_attempt_with_no_questions_never_passes():
    result = scoring.mark_attempt([], {}, 1)
    assert result.percent == 0 and not result.passed


def test_clauses_to_reread_lists_each_missed_clause_once_in_order():
    questions = [question(qid="1", clause="9"), question(qid="2", clause="6.2"), question(qid="3", clause="9")]
    result = scoring.mark_attempt(questions, {"1": ["b"], "2": ["b"], "3": ["b"]}, 80)
    assert result.clauses_to_reread == ["9", "6.2"]


def test_the_draw_is_reproducible_for_a_seed_and_varies_between_seeds():
    pool = {n: f"{n % 4 + 1}" for n in range(1, 41)}
    first = scoring.draw_question_ids(pool, 5, seed=42)
    assert first == scoring.draw_question_ids(dict(reversed(pool.items())), 5, seed=42)
    assert len(set(first)) == 5 and set(first) <= set(pool)
    draws = {tuple(scoring.draw_question_ids(pool, 5, seed=s)) for s in range(20)}
    assert len(draws) > 15


def test_the_draw_takes_every_question_when_the_pool_is_small():
    assert sorted(scoring.draw_question_ids({3: "6.2", 1: "6.2", 2: "13"}, 10, seed=1)) == [1, 2, 3]


def test_true_false_keeps_its_order_and_other_kinds_are_shuffled_by_seed():
    choices = [FrozenChoice(str(i), str(i), i == 0, "") for i in range(6)]
    assert scoring.shuffle_choices(choices[:2], scoring.TRUE_FALSE, 7) == tuple(choices[:2])
    shuffled = scoring.shuffle_choices(choices, scoring.SINGLE, 7)
    assert sorted(shuffled, key=lambda c: c.id) == choices
    assert shuffled == scoring.shuffle_choices(choices, scoring.SINGLE, 7)
    assert {scoring.shuffle_choices(choices, scoring.SINGLE, s) for s in range(10)} != {tuple(choices)}


def test_unanswered_and_foreign_choices():
    questions = [question(qid="1"), question(qid="2")]
    assert [q.id for q in scoring.unanswered(questions, {"1": ["a"]})] == ["2"]
    assert scoring.foreign_choices(questions, {"1": ["a", "zzz"], "9": ["a"]}) == ["zzz", "9"]


def test_a_frozen_question_round_trips_through_json_data():
    original = question(scoring.MULTIPLE, ("a", "c"))
    assert FrozenQuestion.from_dict(original.as_dict()) == original


@pytest.mark.parametrize(("total", "pass_mark", "needed"), [(1, 80, 1), (5, 80, 4), (3, 66, 2), (3, 67, 3), (7, 80, 6)])
def test_the_fewest_right_answers_to_pass_agree_with_marking(total, pass_mark, needed):
    assert scoring.right_answers_to_pass(total, pass_mark) == needed
    questions = [question(qid=str(n)) for n in range(total)]
    for right in (needed - 1, needed):
        answers = {str(n): ["a" if n < right else "b"] for n in range(total)}
        assert scoring.mark_attempt(questions, answers, pass_mark).passed is (right == needed)
