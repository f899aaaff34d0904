"""What a pause does to a due date and to the state shown: pure functions, no database."""

import datetime

import pytest

from portal.compliance import status
from portal.compliance.status import Standing, due_after_pauses, merge_pauses, pause_shown

D = datetime.date
START = D(2027, 1, 1)  # the window opens after this day (a completion, or a start date)
DUE = D(2027, 6, 1)  # and runs to this one: 151 days


@pytest.mark.parametrize(
    ("pauses", "expected"),
    [
        ([], DUE),
        # Wholly before the window: changes nothing.
        ([(D(2026, 3, 1), D(2026, 9, 30))], DUE),
        ([(D(2026, 12, 1), START)], DUE),
        # Wholly after the due date (they were due before it began): changes nothing.
        ([(D(2027, 6, 2), D(2027, 9, 1))], DUE),
        # Inside the window, in the past or the future: the due date moves by the paused days.
        ([(D(2027, 2, 1), D(2027, 2, 10))], DUE + datetime.timedelta(days=10)),
        # One paused day on the due date itself.
        ([(DUE, DUE)], DUE + datetime.timedelta(days=1)),
        # Spanning the due date: back on 1 September with the 32 days they had left on 1 May (1 May to 1 June).
        ([(D(2027, 5, 1), D(2027, 8, 31))], D(2027, 10, 2)),
        # Starting on the window's first day.
        ([(D(2027, 1, 2), D(2027, 1, 31))], DUE + datetime.timedelta(days=30)),
        # Straddling the window's start: only the days inside count.
        ([(D(2026, 12, 1), D(2027, 1, 11))], DUE + datetime.timedelta(days=10)),
        # Overlapping pauses count each day once.
        ([(D(2027, 2, 1), D(2027, 2, 10)), (D(2027, 2, 5), D(2027, 2, 14))], DUE + datetime.timedelta(days=14)),
        # Two separate pauses add up; the second just after the moved due date is brought inside by the first.
        ([(D(2027, 2, 1), D(2027, 2, 10)), (D(2027, 6, 5), D(2027, 6, 9))], DUE + datetime.timedelta(days=15)),
        # No return date, starting inside the window: no due date until HR sets one.
        ([(D(2027, 3, 1), None)], None),
        # No return date, starting after the due date: still due on it.
        ([(D(2027, 7, 1), None)], DUE),
    ],
)
def test_due_after_pauses(pauses, expected):
    assert due_after_pauses(DUE, START, pauses) == expected


def test_no_due_date_stays_none():
    assert due_after_pauses(None, START, [(D(2027, 2, 1), D(2027, 2, 10))]) is None


def test_merge_pauses_joins_overlapping_and_touching_ones_and_open_ended_swallows_the_rest():
    assert merge_pauses([(D(2027, 3, 1), D(2027, 3, 5)), (D(2027, 3, 6), D(2027, 3, 9))]) == [
        (D(2027, 3, 1), D(2027, 3, 9))
    ]
    assert merge_pauses([(D(2027, 3, 1), None), (D(2027, 4, 1), D(2027, 4, 9))]) == [(D(2027, 3, 1), None)]
    assert merge_pauses([(D(2027, 5, 1), D(2027, 5, 2)), (D(2027, 3, 1), D(2027, 3, 2))]) == [
        (D(2027, 3, 1), D(2027, 3, 2)),
        (D(2027, 5, 1), D(2027, 5, 2)),
    ]


def test_the_pause_shown_is_the_one_in_force_or_the_next():
    pauses = [(D(2027, 1, 1), D(2027, 1, 31)), (D(2027, 3, 1), D(2027, 3, 31))]
    assert pause_shown(D(2027, 1, 15), pauses) == (D(2027, 1, 1), D(2027, 1, 31))
    assert pause_shown(D(2027, 2, 15), pauses) == (D(2027, 3, 1), D(2027, 3, 31))
    assert pause_shown(D(2027, 4, 1), pauses) == (None, None)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2027, 2, 28), status.OVERDUE),  # before the pause: the clock was running
        (D(2027, 3, 1), status.PAUSED),  # the first day
        (D(2027, 3, 31), status.PAUSED),  # the last day
        (D(2027, 4, 1), status.OVERDUE),  # back: the clock runs again
    ],
)
def test_paused_overrides_every_other_state_while_in_force(today, expected):
    standing = Standing(True, None, None, D(2027, 2, 1), D(2027, 3, 1), D(2027, 3, 31))
    assert status.state_on(today, standing) == expected


def test_a_pause_with_no_return_date_is_in_force_from_its_first_day_on():
    standing = Standing(True, D(2026, 1, 1), D(2027, 1, 1), None, D(2027, 3, 1), None)
    assert standing.state(D(2030, 1, 1)) == status.PAUSED
    assert standing.state(D(2026, 6, 1)) == status.COMPLIANT


def test_the_tag_says_until_when():
    assert status.label(status.PAUSED, D(2027, 3, 31)) == "Paused until 31 March 2027"
    assert status.label(status.PAUSED, None) == "Paused"
    assert status.label(status.OVERDUE, D(2027, 3, 31)) == "Overdue"
