"""The shipped demo content meets the brief: enough modules, scenarios and questions, all tied to real clauses."""

from collections import Counter

import pytest

from portal.demo.content import load_content

CONTENT = load_content()
SECTION_NUMBERS = {section["number"] for section in CONTENT.policy["sections"]}
SCENARIOS = [(m["slug"], b) for m in CONTENT.modules for b in m["blocks"] if b["type"] == "scenario"]
QUESTIONS = [(m["slug"], q) for m in CONTENT.modules for q in m["quiz"]["questions"]]


def test_policy_summary_has_every_section_of_the_policy_once():
    numbers = [section["number"] for section in CONTENT.policy["sections"]]
    assert len(numbers) == len(set(numbers))
    expected = {str(n) for n in range(1, 16)} | {"4.1", "4.4", "5.4", "6.1", "6.2", "7.1", "7.2", "7.3", "10.1"}
    assert expected <= set(numbers)


def test_there_are_at_least_six_modules_with_three_scenarios_each():
    assert len(CONTENT.modules) >= 6
    per_module = Counter(slug for slug, _ in SCENARIOS)
    assert all(per_module[m["slug"]] >= 3 for m in CONTENT.modules), per_module


def test_there_are_at_least_sixty_questions_of_every_kind():
    assert len(QUESTIONS) >= 60
    assert {q["kind"] for _, q in QUESTIONS} == {"single", "multiple", "true_false"}


def test_every_section_with_rules_for_staff_is_covered_by_a_module():
    covered = {clause for m in CONTENT.modules for clause in m["clauses"]}
    for section in [
        "3",
        "4.3",
        "5.4",
        "6.1",
        "6.2",
        "7",
        "7.1",
        "7.2",
        "7.3",
        "8",
        "9",
        "10",
        "10.1",
        "10.2",
        "11",
        "12",
        "12.1",
        "13",
    ]:
        assert section in covered, f"no module covers section {section}"


@pytest.mark.parametrize(("slug", "scenario"), SCENARIOS, ids=[s["title"] for _, s in SCENARIOS])
def test_each_scenario_has_two_to_four_options_one_expected_and_real_clauses(slug, scenario):
    assert 2 <= len(scenario["options"]) <= 4
    assert any(option["expected"] for option in scenario["options"])
    assert all(option["feedback"].strip() for option in scenario["options"])
    assert scenario["clauses"] and set(scenario["clauses"]) <= SECTION_NUMBERS


@pytest.mark.parametrize(("slug", "question"), QUESTIONS, ids=[q["stem"][:50] for _, q in QUESTIONS])
def test_each_question_follows_the_rules_of_its_kind_and_names_a_real_clause(slug, question):
    assert question["clause"] in SECTION_NUMBERS
    right = sum(1 for choice in question["choices"] if choice["correct"])
    if question["kind"] == "single":
        assert right == 1
    elif question["kind"] == "multiple":
        assert right >= 2
    else:
        assert sorted(c["text"] for c in question["choices"]) == ["False", "True"]
        assert right == 1
    assert all(choice["feedback"].strip() for choice in question["choices"])


def test_each_quiz_draws_fewer_questions_than_its_bank_holds():
    for module in CONTENT.modules:
        quiz = module["quiz"]
        assert quiz["questions_per_attempt"] < len(quiz["questions"]), module["slug"]
        assert 1 <= quiz["pass_mark"] <= 100
