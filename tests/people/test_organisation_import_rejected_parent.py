"""A row whose parent's row in the same file was rejected says so, naming that line, rather than that the parent is
neither in the file nor a known team: the person fixes the one row at fault. A parent in neither still says that."""

import pytest

from portal.people.models import Team
from portal.people.organisation_import import plan_organisation

HEADER = "Organisation Code,Organisation Name,Parent Organisation Code,Hierarchy Level"


def esr(*rows) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


@pytest.fixture
def trust(db):
    return Team.add_root(code="RX1", name="Example Trust", kind=Team.ORGANISATION)


def test_the_children_of_a_rejected_row_name_its_line(trust):
    plan = plan_organisation(
        esr(
            "RX1-C,,RX1,",  # no name
            "RX1-F,Finance,rx1-c,",
            "RX1-P,Payroll,RX1-C,",
        )
    )
    assert plan.rejected == [
        (2, "Organisation Name is empty"),
        (3, "Parent Organisation Code 'rx1-c' is on line 2, which was rejected"),
        (4, "Parent Organisation Code 'RX1-C' is on line 2, which was rejected"),
    ]


def test_the_rows_below_a_rejected_one_name_the_line_above_them_in_any_order(trust):
    plan = plan_organisation(
        esr(
            "RX1-F-1,Accounts,RX1-F,",  # the grandchild before its parent
            "RX1-C,Corporate\u202e,RX1,",  # a hidden character in the name
            "RX1-F,Finance,RX1-C,",
            "RX1-F-2,Payroll,RX1-F,",  # and after it
        )
    )
    assert plan.rejected == [
        (2, "Parent Organisation Code 'RX1-F' is on line 4, which was rejected"),
        (3, "Organisation Name contains the hidden character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        (4, "Parent Organisation Code 'RX1-C' is on line 3, which was rejected"),
        (5, "Parent Organisation Code 'RX1-F' is on line 4, which was rejected"),
    ]
    assert not plan.to_create


def test_a_parent_in_neither_the_file_nor_the_tree_still_says_so_and_its_children_name_it(trust):
    plan = plan_organisation(esr("RX1-C,Corporate,RX9,", "RX1-F,Finance,RX1-C,"))
    assert plan.rejected == [
        (2, "Parent Organisation Code 'RX9' is neither in the file nor a known team"),
        (3, "Parent Organisation Code 'RX1-C' is on line 2, which was rejected"),
    ]
