import datetime

import pytest

from portal.compliance import status
from portal.compliance.status import Standing

D = datetime.date


@pytest.mark.parametrize(
    ("standing", "today", "expected"),
    [
        (Standing(False, None, None, None), D(2027, 1, 1), status.NOT_REQUIRED),
        # Never done, the first due date more than the due-soon window away: not started.
        (Standing(True, None, None, D(2027, 3, 1)), D(2027, 1, 1), status.NOT_STARTED),
        (Standing(True, None, None, D(2027, 3, 1)), D(2027, 1, 30), status.NOT_STARTED),  # 30 days to go
        # Never done, inside the window before the first due date (as for a renewal): due soon, up to and including
        # the due date.
        (Standing(True, None, None, D(2027, 3, 1)), D(2027, 1, 31), status.DUE_SOON),  # 29 days to go
        (Standing(True, None, None, D(2027, 1, 29)), D(2027, 1, 10), status.DUE_SOON),
        (Standing(True, None, None, D(2027, 1, 29)), D(2027, 1, 29), status.DUE_SOON),
        (Standing(True, None, None, D(2027, 1, 29)), D(2027, 1, 30), status.OVERDUE),
        # Done, valid, far from expiry.
        (Standing(True, D(2027, 1, 1), D(2028, 1, 1), D(2028, 1, 1)), D(2027, 6, 1), status.COMPLIANT),
        # Inside the 30-day window before expiry.
        (Standing(True, D(2027, 1, 1), D(2028, 1, 1), D(2028, 1, 1)), D(2027, 12, 10), status.DUE_SOON),
        # The expiry day itself still counts; the day after does not.
        (Standing(True, D(2027, 1, 1), D(2028, 1, 1), D(2028, 1, 1)), D(2028, 1, 1), status.DUE_SOON),
        (Standing(True, D(2027, 1, 1), D(2028, 1, 1), D(2028, 1, 1)), D(2028, 1, 2), status.OVERDUE),
        # No expiry: compliant for good.
        (Standing(True, D(2020, 1, 1), None, None), D(2035, 1, 1), status.COMPLIANT),
    ],
)
def test_state_on(standing, today, expected):
    assert status.state_on(today, standing) == expected


def test_due_soon_window_is_configurable():
    standing = Standing(True, D(2027, 1, 1), D(2028, 1, 1), D(2028, 1, 1))
    assert standing.state(D(2027, 11, 20), due_soon_days=30) == status.COMPLIANT
    assert standing.state(D(2027, 11, 20), due_soon_days=60) == status.DUE_SOON


def test_not_started_turns_due_soon_with_the_window_setting():
    standing = Standing(True, None, None, D(2027, 3, 1))
    assert standing.state(D(2027, 1, 15), due_soon_days=30) == status.NOT_STARTED
    assert standing.state(D(2027, 1, 15), due_soon_days=60) == status.DUE_SOON


def test_every_state_has_a_label_and_a_tag_colour():
    states = [status.COMPLIANT, status.DUE_SOON, status.OVERDUE, status.NOT_STARTED, status.NOT_REQUIRED, status.PAUSED]
    assert set(status.LABELS) == set(states) == set(status.TAG_COLOURS)
