"""The front matter of a policy document: whom it applies to, the policies it is read with, its other opening lines,
and a filled-in revisions table, read by the importer's rules (no database)."""

import datetime
from pathlib import Path

import pytest

from modules.policy_import import ParsedRevision, PolicyImportError, decode_policy_bytes, parse_policy

SEED = Path(__file__).resolve().parents[2] / "portal" / "demo" / "content" / "policy.txt"

KINDNESS = """Kindness Policy
Issued by the People Team

Effective from 29th February 2024

This policy applies to: everyone who works here.

Related policies: Conduct Policy; Dignity at Work Policy

Version history
Version\tDate\tSection(s)\tReason for change\tApproved by
1.1\t01/03/2023\t1.1\tAdded patience\tPeople Committee

1.2\t2nd June 2023\tAll\tAnnual review\tBoard
\t\t\t\t

1. Purpose

Be kind.

1.1 Online

Be patient.
"""
ROW_LINE = 14  # the 1.2 row


def test_the_seed_policy_keeps_whom_it_applies_to_its_related_policies_and_its_other_opening_lines():
    policy = parse_policy(decode_policy_bytes(SEED.read_bytes()))

    assert policy.applies_to == "all employees of NHS Warrington Clinical Commissioning Group"
    assert policy.related_policies == [
        "IT Equipment Policy",
        "Disciplinary Policy",
        "Whistleblowing Policy",
        "Equal Opportunities / Dignity at Work Policy",
        "Bullying and Harassment Policy",
        "Safeguarding Policy",
        "CCG Behaviour Charter",
        "IG Handbook IG Staff Code of Conduct",
    ]
    assert policy.other_front_matter == (
        "<p>NHS Warrington Clinical Commissioning Group Social Media and Digital Content Policy</p>"
    )
    # Its revisions table has a heading row and no rows.
    assert policy.revisions == []


def test_a_filled_in_revisions_table_becomes_its_rows_with_their_line_numbers():
    policy = parse_policy(KINDNESS)

    assert policy.revisions == [
        ParsedRevision(12, "1.1", datetime.date(2023, 3, 1), "1.1", "Added patience", "People Committee"),
        ParsedRevision(ROW_LINE, "1.2", datetime.date(2023, 6, 2), "All", "Annual review", "Board"),
    ]
    assert policy.applies_to == "everyone who works here"
    assert policy.related_policies == ["Conduct Policy", "Dignity at Work Policy"]
    assert policy.other_front_matter == "<p>Issued by the People Team</p>"
    assert [section.number for section in policy.sections] == ["1", "1.1"]


def test_columns_may_come_in_any_order_and_the_version_column_is_optional():
    text = (
        "Kindness Policy\n\nApproved by\tReason\tDate\tSection\nBoard\tTypo\t2023-06-02\t1\n\n1. Purpose\n\nBe kind.\n"
    )
    assert parse_policy(text).revisions == [ParsedRevision(4, "", datetime.date(2023, 6, 2), "1", "Typo", "Board")]


def test_a_sentence_that_mentions_related_policies_without_a_list_is_kept_as_written():
    text = "Kindness Policy\n\nRead it in conjunction with the Conduct Policy.\n\n1. Purpose\n\nBe kind.\n"
    policy = parse_policy(text)
    assert policy.related_policies == []
    assert policy.other_front_matter == "<p>Read it in conjunction with the Conduct Policy.</p>"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "1.2\t31/02/2023\tAll\tAnnual review\tBoard",
            f"Line {ROW_LINE}: “31/02/2023” in the revisions table is not a date. Give the day, month and year",
        ),
        ("1.2\tJune 2023\tAll\tAnnual review\tBoard", f"Line {ROW_LINE}: “June 2023” .* is not a date"),
        (
            "1.2\t2nd June 2023\t\tAnnual review\t",
            f"Line {ROW_LINE}: this revisions row gives no section and no approved by. Each row needs",
        ),
        (
            "1.2\t2nd June 2023\tAll\tAnnual review\tBoard\tSomething else",
            f"Line {ROW_LINE}: this revisions row has 6 cells but the table has 5 columns",
        ),
    ],
)
def test_a_malformed_revisions_row_is_refused_naming_its_line(row, message):
    text = KINDNESS.replace("1.2\t2nd June 2023\tAll\tAnnual review\tBoard", row)
    with pytest.raises(PolicyImportError, match=message):
        parse_policy(text)


def test_a_revisions_table_with_a_column_the_import_does_not_know_is_refused_naming_its_line():
    text = KINDNESS.replace("Version\tDate", "Author\tDate")
    with pytest.raises(PolicyImportError, match=r"Line 11: the revisions table's heading row .* it has “Author”, "):
        parse_policy(text)
