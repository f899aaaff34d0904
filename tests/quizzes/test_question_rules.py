import pytest

from quizzes import scoring
from quizzes.forms import choice_rule_errors


@pytest.mark.parametrize(
    ("kind", "choices", "fragment"),
    [
        (scoring.SINGLE, [("A", True), ("B", True)], "exactly one right choice; 2 are marked right"),
        (scoring.SINGLE, [("A", False), ("B", False)], "exactly one right choice; 0 are marked right"),
        (scoring.MULTIPLE, [("A", True), ("B", False), ("C", False)], "at least two right choices"),
        (scoring.TRUE_FALSE, [("Yes", True), ("No", False)], "exactly two choices: True and False"),
        (scoring.TRUE_FALSE, [("True", False), ("False", False)], "Mark either True or False"),
        (scoring.SINGLE, [("A", True)], "at least two choices"),
    ],
)
def test_broken_choice_sets_are_named(kind, choices, fragment):
    assert any(fragment in message for message in choice_rule_errors(kind, choices))


@pytest.mark.parametrize(
    ("kind", "choices"),
    [
        (scoring.SINGLE, [("A", True), ("B", False)]),
        (scoring.MULTIPLE, [("A", True), ("B", True), ("C", False)]),
        (scoring.TRUE_FALSE, [("True", False), ("False", True)]),
    ],
)
def test_good_choice_sets_pass(kind, choices):
    assert choice_rule_errors(kind, choices) == []
