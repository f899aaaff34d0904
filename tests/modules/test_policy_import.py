from pathlib import Path

import pytest

from modules.policy_import import PolicyImportError, decode_policy_bytes, parse_policy

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_f326fb3b3dc84b92.txt"

SMALL = """Our Example Policy

Effective from 3rd March 2025

Contents

1. Introduction\t2
2. Rules.....3
2.1 Online rules.....3

1. Introduction

Why this policy exists.

2. Rules

Follow these **always**:

- Be kind & careful
- Check <facts>

- Ask for help
Then a closing paragraph.

2.1 Online rules

Numbered sentences like the one below are not headings:
3. this sentence starts with a number but is lower case
2. Going back in numbering is text too
"""


def test_headings_are_found_by_their_numbers_and_the_contents_list_is_dropped():
    policy = parse_policy(SMALL)
    assert [(s.number, s.heading) for s in policy.sections] == [
        ("1", "Introduction"),
        ("2", "Rules"),
        ("2.1", "Online rules"),
    ]
    assert policy.title == "Our Example Policy"
    assert str(policy.effective_date) == "2025-03-03"


def test_bullets_stay_one_list_and_text_is_escaped_and_bold_kept():
    rules = parse_policy(SMALL).sections[1].html
    assert rules.count("<ul>") == 1
    assert "<li>Be kind &amp; careful</li><li>Check &lt;facts&gt;</li><li>Ask for help</li>" in rules
    assert "<strong>always</strong>" in rules
    assert rules.endswith("<p>Then a closing paragraph.</p>")


def test_lines_that_only_look_like_headings_stay_in_the_section():
    online = parse_policy(SMALL).sections[2].html
    assert "3. this sentence starts with a number" in online
    assert "2. Going back in numbering is text too" in online


def test_three_levels_of_numbering():
    policy = parse_policy("1. Top\ntext\n1.1 Middle\nmore\n1.1.1 Deepest\nend\n")
    assert [s.number for s in policy.sections] == ["1", "1.1", "1.1.1"]


@pytest.mark.parametrize(
    "data",
    [
        "1. Introduction\r\nZoë’s text\r\n".encode(),
        "\ufeff1. Introduction\nZoë’s text\n".encode(),
        "1. Introduction\nZoë’s text\n".encode("cp1252"),
    ],
    ids=["crlf", "utf8-bom", "windows-1252"],
)
def test_encodings_and_line_endings(data):
    policy = parse_policy(decode_policy_bytes(data))
    assert policy.sections[0].heading == "Introduction"
    assert "Zoë’s text" in policy.sections[0].html


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "empty"), ("   \n\n", "empty"), ("A policy\nwith no numbered headings at all.\n", "No numbered headings")],
)
def test_documents_without_headings_are_refused_with_a_clear_message(text, message):
    with pytest.raises(PolicyImportError, match=message):
        parse_policy(text)


@pytest.mark.skipif(not SEED.exists(), reason="the seed policy lives in ../shared beside the repository")
def test_the_seed_policy_parses_into_its_fifteen_sections_once_each():
    policy = parse_policy(decode_policy_bytes(SEED.read_bytes()))
    numbers = [s.number for s in policy.sections]
    assert len(numbers) == len(set(numbers))
    assert {str(n) for n in range(1, 16)} <= set(numbers)
    assert {"4.1", "6.2", "7.3", "10.1", "12.1"} <= set(numbers)
    best_practice = policy.sections[numbers.index("6.2")]
    assert best_practice.heading == "Best Practice"
    assert "<ul>" in best_practice.html
    assert str(policy.effective_date) == "2021-06-21"
