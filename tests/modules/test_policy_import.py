import datetime
from pathlib import Path

import pytest

from modules.policy_import import PolicyImportError, decode_policy_bytes, parse_policy

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_f326fb3b3dc84b92.txt"

POLICY = """Our Example Policy

Effective from 3rd March 2025

Policy Revisions and Amendments\t\t\t
Date\tSection\tReason for Change\tApproved By

Contents

1. Introduction\t2
2. Rules.....3
2.1 Online rules.....3
2.1.1 Passwords\t4

1. Introduction

Why this policy exists.

2. Rules

2.1 Online rules

2.1.1 Passwords

Choose a long one.
"""


def _numbers(text: str) -> list[str]:
    return [section.number for section in parse_policy(text).sections]


def _html(text: str, number: str) -> str:
    return next(section.html for section in parse_policy(text).sections if section.number == number)


def test_headings_are_found_by_their_numbers_to_three_levels_and_the_contents_list_is_dropped():
    policy = parse_policy(POLICY)
    assert [(s.number, s.heading) for s in policy.sections] == [
        ("1", "Introduction"),
        ("2", "Rules"),
        ("2.1", "Online rules"),
        ("2.1.1", "Passwords"),
    ]
    assert policy.sections[0].html == "<p>Why this policy exists.</p>"
    assert policy.sections[1].html == ""
    assert policy.title == "Our Example Policy"
    assert policy.effective_date == datetime.date(2025, 3, 3)


def test_a_contents_list_without_page_numbers_is_dropped_up_to_the_repeated_first_heading():
    text = "Title\nContents\n1. Introduction\n2. Scope\n2.1 Staff\n\n1. Introduction\nWhy.\n2. Scope\nWho.\n"
    policy = parse_policy(text)
    assert [(s.number, s.html) for s in policy.sections] == [("1", "<p>Why.</p>"), ("2", "<p>Who.</p>")]


def test_a_contents_line_inside_a_section_is_text():
    text = "1. Introduction\nContents\n2. Scope\nWho.\n3. Terms\n2. Scope\n"
    assert _numbers(text) == ["1", "2", "3"]
    assert _html(text, "3") == "<p>2. Scope</p>"


@pytest.mark.parametrize(
    "line",
    [
        "3. this sentence starts with a number but in lower case",
        "3. This numbered sentence ends with a full stop.",
        "3. The following apply:",
        "3. " + "A heading far too long to be one " * 4,
        "3 Without a full stop after a top-level number",
        "3. Contents entry.....7",
        "7. A number that jumps too far ahead",
    ],
)
def test_lines_that_only_look_like_headings_stay_text(line):
    text = f"1. Introduction\n\n2. Scope\n\n{line}\n"
    assert _numbers(text) == ["1", "2"]
    assert " ".join(line.split()) in _html(text, "2")


def test_a_numbered_list_inside_a_section_does_not_start_sections():
    text = "1. Introduction\n\n2. Scope\n\n2.1 Staff\nIt covers:\n1. Doctors\n2. Nurses\n3. Porters\n\n3. Training\n"
    assert _numbers(text) == ["1", "2", "2.1", "3"]
    assert _html(text, "2.1") == "<p>It covers:</p><p>1. Doctors</p><p>2. Nurses</p><p>3. Porters</p>"


def test_a_gap_of_up_to_two_numbers_is_tolerated():
    assert _numbers("1. Introduction\n4. Scope\n4.3 Staff\n5. Training\n") == ["1", "4", "4.3", "5"]


def test_bullets_separated_by_blank_lines_stay_one_list_and_a_paragraph_ends_it():
    text = "1. Rules\nFollow these:\n\n- Be kind\n- Be careful\n\n- Ask for help\n\nThen a paragraph.\n\n- Again\n"
    assert _html(text, "1") == (
        "<p>Follow these:</p><ul><li>Be kind</li><li>Be careful</li><li>Ask for help</li></ul>"
        "<p>Then a paragraph.</p><ul><li>Again</li></ul>"
    )


def test_a_line_straight_after_a_line_carries_it_on():
    text = "1. Rules\nThis paragraph\nis wrapped.\n- Add a disclaimer such as:\n“My views are my own.”\n- Next\n"
    assert _html(text, "1") == (
        "<p>This paragraph is wrapped.</p><ul><li>Add a disclaimer such as: “My views are my own.”</li>"
        "<li>Next</li></ul>"
    )


def test_a_paragraph_broken_mid_sentence_by_a_blank_line_is_joined():
    text = "1. Purpose\nStaff will behave well\n\nand in a way that fits the code.\n\nNew paragraph.\n"
    assert _html(text, "1") == "<p>Staff will behave well and in a way that fits the code.</p><p>New paragraph.</p>"


def test_table_rows_become_a_list_of_their_cells():
    text = "1. Closure\nAccounts may be closed:\n\nInactivity\tno posts for a month\nRelevance\tproject closed\t\n"
    assert _html(text, "1") == (
        "<p>Accounts may be closed:</p>"
        "<ul><li>Inactivity – no posts for a month</li><li>Relevance – project closed</li></ul>"
    )


def test_text_is_escaped_and_bold_becomes_strong():
    text = '1. Rules\nIf unsure, **do not** post <script> & "quote" it.\n- **Never** share <b>passwords</b>\n'
    assert _html(text, "1") == (
        '<p>If unsure, <strong>do not</strong> post &lt;script&gt; &amp; "quote" it.</p>'
        "<ul><li><strong>Never</strong> share &lt;b&gt;passwords&lt;/b&gt;</li></ul>"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Effective from 21st June 2021", datetime.date(2021, 6, 21)),
        ("Effective date: 1 Sept 2024", datetime.date(2024, 9, 1)),
        ("Effective from 29/02/2024", datetime.date(2024, 2, 29)),
        ("Effective from 31st June 2021", None),
        ("Effective use of social media matters", None),
    ],
)
def test_the_effective_date_is_read_from_the_document(line, expected):
    assert parse_policy(f"Title\n{line}\n1. Introduction\n").effective_date == expected


def test_a_document_that_starts_with_its_first_heading_has_no_title():
    assert parse_policy("1. Introduction\nText.\n").title == ""


@pytest.mark.parametrize(
    "data",
    [
        "Title\r\n1. Introduction\r\nZoë’s text\r\nmore\r\n".encode(),
        "\ufeffTitle\n1. Introduction\nZoë’s text\nmore\n".encode(),
        "Title\n1. Introduction\nZoë’s text\nmore\n".encode("cp1252"),
        "Title\r\n1. Introduction\r\nZoë’s text\r\nmore\r\n".encode("utf-16"),
    ],
    ids=["crlf", "utf8-bom", "windows-1252", "utf16-notepad"],
)
def test_encodings_and_line_endings(data):
    policy = parse_policy(decode_policy_bytes(data))
    assert policy.title == "Title"
    assert [(s.number, s.heading, s.html) for s in policy.sections] == [("1", "Introduction", "<p>Zoë’s text more</p>")]


@pytest.mark.parametrize("text", ["", "  \n\n\t", "\ufeff", "\r\n\r\n"])
def test_an_empty_document_is_refused(text):
    with pytest.raises(PolicyImportError, match="The file is empty"):
        parse_policy(text)


@pytest.mark.parametrize(
    "text",
    [
        "A policy\nwith no numbered headings at all.\n",
        "A policy\n7. Starting at seven\n",
        "Contents\n1. Introduction\t3\n2. Scope\t4\n",
    ],
)
def test_a_document_without_numbered_headings_is_refused_with_a_clear_message(text):
    with pytest.raises(PolicyImportError, match=r"No numbered headings found.*“1\. Introduction”"):
        parse_policy(text)


@pytest.mark.skipif(not SEED.exists(), reason=f"the seed policy is kept beside the repository, at {SEED}")
def test_the_seed_policy_parses_into_its_sections_once_each_with_nothing_from_the_contents_list():
    policy = parse_policy(decode_policy_bytes(SEED.read_bytes()))
    numbers = [section.number for section in policy.sections]
    assert len(numbers) == len(set(numbers))
    assert [n for n in numbers if "." not in n] == [str(n) for n in range(1, 16)]
    assert {"4.1", "6.2", "7.3", "10.1", "12.1"} <= set(numbers)
    assert len(numbers) == 31
    sections = {section.number: section for section in policy.sections}
    assert sections["1"].html.startswith("<p>The Clinical Commissioning Group (the CCG) recognises")
    assert sections["6.1"].heading == "Participating in online activities"  # the body's wording, not the contents'
    assert sections["6.2"].heading == "Best Practice"
    assert sections["6.2"].html.count("<ul>") == 1
    assert "<strong>do not</strong>" in sections["7.2"].html
    assert "<li>Inactivity – no original posts made for 1 month or more</li>" in sections["10.1"].html
    assert policy.title == "Social Media and Digital Content Policy"
    assert policy.effective_date == datetime.date(2021, 6, 21)
